"""Domain errors: each has a message code from the catalogue and an HTTP status for the API."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager

from core.messages import bilingual, translate


class DanganError(Exception):
    """An error a user can cause; carries a catalogue code and its parameters."""

    status_code = 400

    def __init__(self, code: str, /, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(bilingual(code, **params))

    def __reduce__(self):  # crosses process pools with its code and parameters intact
        return (_rebuild, (type(self), self.code, self.params))

    def message(self, language: str = "zh-CN") -> str:
        """The message in one language."""
        return translate(self.code, language, **self.params)

    def both(self) -> str:
        """The message in Chinese and English."""
        return bilingual(self.code, **self.params)


class RejectedInput(DanganError):
    """A file that cannot be taken into the archive (type, size, corrupt, encrypted...)."""

    status_code = 422


class NotFound(DanganError):
    status_code = 404


class Conflict(DanganError):
    status_code = 409


class BadQuery(DanganError):
    status_code = 400


class DatabaseBusy(DanganError):
    """The database stayed locked by another process longer than we wait; the transaction was rolled back."""

    status_code = 503


class StorageUnavailable(DanganError):
    status_code = 503


def _rebuild(cls: type[DanganError], code: str, params: dict) -> DanganError:
    error = cls.__new__(cls)
    DanganError.__init__(error, code, **params)
    return error


@contextmanager
def disk_faults(error: type[DanganError], area: str, path: str) -> Iterator[None]:
    """A full disk or an unwritable folder raises `error` with the code `<area>.no_space` or `<area>.read_only`
    (a bilingual message naming path) instead of an OSError; any other OSError goes on as it is."""
    try:
        yield
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise error(f"{area}.no_space", path=path) from exc
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            raise error(f"{area}.read_only", path=path) from exc
        raise
