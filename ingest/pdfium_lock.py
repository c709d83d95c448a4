"""The one lock for every call into pdfium from threads of this process.

pdfium is not thread-safe (pypdfium2 says so, and its last-error code is global): two threads reading
PDFs at once made good files fail with "Data format error". Worker processes have their own pdfium.
"""

from __future__ import annotations

import threading

PDFIUM_LOCK = threading.RLock()
