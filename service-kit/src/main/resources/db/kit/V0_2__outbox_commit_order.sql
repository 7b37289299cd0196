-- The relay must never skip a row whose transaction commits after a later row's: ids are taken at insert, not at
-- commit. Each row records the id of the transaction that wrote it, and the relay publishes only rows older than
-- every transaction still in flight (pg_snapshot_xmin), so nothing can later appear before what it has sent.
alter table outbox_message add column txid xid8 not null default pg_current_xact_id();
-- The envelope of the event, also sent as Kafka headers, so a consumer or an operator can route without parsing.
alter table outbox_message add column event_id varchar(100);
alter table outbox_message add column event_type varchar(100);
alter table outbox_message drop column published_at;
drop index if exists outbox_message_unpublished;
