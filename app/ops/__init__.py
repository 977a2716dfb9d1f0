"""Operations: the task outbox, the worker heartbeat, readiness checks and backups."""
