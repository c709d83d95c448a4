"""Retention: schedules, due dates, legal holds, destruction batches, verification and registers."""

from retention import holds as _holds  # noqa: F401 - registers the legal-hold guard on revisions (HLD-2)
