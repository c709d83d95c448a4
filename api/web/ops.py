"""Pages for operations (issue 14): one's notification channels (everyone), the scheduled jobs (admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from access.errors import require_role
from api.web import render
from api.web.session import RuntimeDep, Viewer, keep_refusal
from core.errors import DanganError
from core.job_runs import last_runs
from workflows.channels import CHANNELS, configured
from workflows.notify import channels_of, set_channels
from workflows.scheduled import JOBS

router = APIRouter(include_in_schema=False)


def _settings_page(request: Request, me: Viewer, rt: RuntimeDep, *, errors: dict, form: dict | None = None,
                   status_code: int = 200) -> HTMLResponse:  # fmt: skip
    with rt.factory() as session:
        user = me.user(session)
        form = form or {
            "channels": channels_of(user),
            "email": user.email or "",
            "language": user.language or "",
        }
    return render(request, "ops/notifications.html", status_code=status_code, form=form, errors=errors,
                  channels=CHANNELS, available=configured(rt.settings), saved=request.query_params.get("saved"))  # fmt: skip


@router.get("/settings/notifications", response_class=HTMLResponse)
def notification_settings(request: Request, me: Viewer, rt: RuntimeDep) -> HTMLResponse:
    """One's channels, e-mail address and language of notifications."""
    return _settings_page(request, me, rt, errors={})


@router.post("/settings/notifications", response_class=HTMLResponse)
def save_notification_settings(
    request: Request,
    me: Viewer,
    rt: RuntimeDep,
    channel: Annotated[list[str] | None, Form(max_length=20)] = None,
    email: Annotated[str, Form(max_length=200)] = "",
    language: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    chosen = list(channel or [])
    try:
        with rt.factory() as session, session.begin():
            set_channels(session, rt.settings, actor=me.user(session), login=me.login, channels=chosen,
                         email=email, language=language, client=me.client)  # fmt: skip
    except DanganError as err:
        keep_refusal(rt, err)
        form = {"channels": chosen, "email": email, "language": language}
        return _settings_page(request, me, rt, errors={"channels": (err.code, err.params)}, form=form,
                              status_code=err.status_code)  # fmt: skip
    return RedirectResponse("/settings/notifications?saved=1", status_code=303)


@router.get("/admin/jobs", response_class=HTMLResponse)
def jobs_page(request: Request, me: Viewer, rt: RuntimeDep) -> HTMLResponse:
    """The scheduled jobs with their last run and result (admins)."""
    with rt.factory() as session, session.begin():
        require_role(me.user(session), "admin", action="job.list", client=me.client)
        runs = last_runs(session)
    rows = [(name, getattr(rt.settings, job.setting), runs.get(name)) for name, job in JOBS.items()]
    return render(request, "ops/jobs.html", rows=rows)
