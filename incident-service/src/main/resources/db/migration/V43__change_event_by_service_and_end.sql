-- Changes to a service that ended (or, without an end, started) at or after a moment: the concurrent-changes
-- lookup of every reported change and the deploy gate ask for the last hour or so, and with only (service,
-- started_at) PostgreSQL read a service's whole history before that hour to find them.
create index change_event_by_service_and_end on change_event (service, (coalesce(ended_at, started_at)));
