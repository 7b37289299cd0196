-- Flyway runs this in each migration's own transaction, before it: the migration waits at most this long for a lock.
-- A migration queued behind a long transaction (a report, a retention batch) makes every later query on its table
-- queue behind it, and the replicas still serving stop with it; given up, the new pod fails its start and is tried
-- again while the others go on. SET LOCAL ends with the transaction, so the pooled connection keeps no timeout.
SET LOCAL lock_timeout = '${migration_lock_timeout}';
