"""The running application's parts, built from settings (never at import time)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from core.db import make_engine, make_sessionmaker
from core.settings import Settings

if TYPE_CHECKING:
    from search import SearchEngine
    from storage.base import ObjectStore


@dataclass
class Runtime:
    """Engine, session factory, object store, search index and OCR pool for one process."""

    settings: Settings
    ocr_pool: object | None = field(default=None, repr=False)  # a shared pool is not closed by us
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _own_pool: object | None = field(default=None, repr=False)

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.settings)

    @cached_property
    def factory(self) -> sessionmaker[Session]:
        return make_sessionmaker(self.engine)

    @cached_property
    def store(self) -> ObjectStore:
        from storage import make_store

        return make_store(self.settings)

    @cached_property
    def index(self) -> SearchEngine:
        """The live search index (DANGAN_SEARCH_ENGINE; follows `dangan index rebuild` swaps)."""
        from search import LiveIndex

        index = LiveIndex.from_settings(self.settings)
        index.open_or_create()
        return index

    def ocr_map(self):  # -> ingest.process.OcrMap
        """The shared OCR process pool, started on first use."""
        from ingest.ocr.pool import OcrPool

        if self.ocr_pool is not None:
            return self.ocr_pool
        with self._lock:
            if self._own_pool is None:
                self._own_pool = OcrPool(self.settings.ocr_workers)
            return self._own_pool

    def today(self) -> date:
        """Today where the archive is (DANGAN_TIMEZONE)."""
        return datetime.now(ZoneInfo(self.settings.timezone)).date()

    def close(self) -> None:
        """Stop the OCR pool and release connections."""
        if self._own_pool is not None:
            self._own_pool.close()
            self._own_pool = None
        if "index" in self.__dict__:
            self.index.close()
        if "engine" in self.__dict__:
            self.engine.dispose()
