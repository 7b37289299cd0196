-- A row whose send failed holds its key (topic and message key) back until held_until, for every replica: a hold
-- kept in each replica's memory let the next replica to take the relay lock try a stalled partition's key at once,
-- each try waiting out the producer's delivery timeout while nothing else was relayed. failures doubles the wait.
alter table outbox_message add column held_until timestamptz;
alter table outbox_message add column failures integer not null default 0;
create index outbox_message_held on outbox_message (held_until) where held_until is not null;
