-- The processed-event log forgets an event id once it has not been delivered for daff.events.processed-retention
-- (far longer than any topic keeps a record): without this it grew with every event a service ever consumed.
create index processed_event_by_age on processed_event (processed_at);
