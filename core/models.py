"""Every table, imported in one place so Alembic and `create_all` see the whole schema."""

from __future__ import annotations

import access.models  # noqa: F401
import core.audit  # noqa: F401
import custody.models  # noqa: F401
import records.models  # noqa: F401
import retention.models  # noqa: F401
from core.db import Base

metadata = Base.metadata
