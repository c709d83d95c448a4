"""The ways a notification goes out besides in-app: e-mail over SMTP (stdlib smtplib) and the DingTalk, WeCom
(企业微信) and Feishu group robots through Apprise. Each raises on failure, with no secret in the message."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

import apprise

from core.settings import Settings

ROBOTS = ("dingtalk", "wecom", "feishu")
CHANNELS = ("inapp", "email", *ROBOTS)


class ChannelFailed(Exception):
    """A channel could not deliver (the server refused or was unreachable)."""


def robot_url(settings: Settings, channel: str) -> str | None:
    """The Apprise URL configured for a robot channel, or None."""
    secret = getattr(settings, f"notify_{channel}_url")
    return secret.get_secret_value() if secret is not None else None


def configured(settings: Settings) -> list[str]:
    """The channels this archive can send by: in-app always, the others once their settings are given."""
    found = ["inapp"]
    if settings.smtp_host:
        found.append("email")
    found += [robot for robot in ROBOTS if robot_url(settings, robot)]
    return found


def send_email(settings: Settings, *, to: str, name: str, subject: str, body: str) -> None:
    """One plain-text e-mail through the configured SMTP server."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.smtp_from, formataddr((name, to)), subject
    message["Message-ID"] = make_msgid(domain="dangan")
    message.set_content(body)
    host, port = settings.smtp_host or "", settings.smtp_port
    try:
        if settings.smtp_security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                host, port, timeout=30, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(host, port, timeout=30)
        with client:
            if settings.smtp_security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if settings.smtp_user and settings.smtp_password is not None:
                client.login(settings.smtp_user, settings.smtp_password.get_secret_value())
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as err:
        raise ChannelFailed(f"smtp {host}:{port}: {type(err).__name__}") from None


def send_robot(settings: Settings, channel: str, *, title: str, body: str) -> None:
    """One message to a group robot (Apprise URL from the settings)."""
    url = robot_url(settings, channel)
    sender = apprise.Apprise()
    if not url or not sender.add(url):
        raise ChannelFailed(f"{channel}: no valid Apprise URL configured")
    if not sender.notify(title=title, body=body):
        raise ChannelFailed(f"{channel}: the robot did not accept the message")
