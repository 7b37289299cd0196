-- A row without a payload is a tombstone: the relay sends the key with no value, which a compacted topic's readers
-- take as "this key is gone" and compaction then forgets.
alter table outbox_message alter column payload drop not null;
