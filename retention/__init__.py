"""Retention: schedules, due dates, legal holds, destruction batches, verification and registers."""
