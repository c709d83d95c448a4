"""The use cases: each composes the domain packages (records, access, storage, ingest, search, custody,
retention) for one thing a person or a job does. Only `api/` calls in here; nothing here imports a web or CLI
library."""
