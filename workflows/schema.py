"""Every table, imported in one place so that `create_all` and the migrations test see the whole schema.

It lives above the domain packages because it names all of them; core.db.Base holds what is imported."""

from __future__ import annotations

import access.models  # noqa: F401
import core.audit  # noqa: F401
import core.calendar  # noqa: F401
import core.job_runs  # noqa: F401
import custody.handover_models  # noqa: F401  (handovers, issue 13)
import custody.models  # noqa: F401
import records.customer_aliases  # noqa: F401  (short names, issue 18)
import records.document_counts  # noqa: F401  (the customer analysis, issue 12)
import records.models  # noqa: F401
import retention.models  # noqa: F401
import storage.models  # noqa: F401
from core.db import Base

metadata = Base.metadata
