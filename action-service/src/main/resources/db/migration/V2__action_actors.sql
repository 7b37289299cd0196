-- Who created, last changed and closed each action: the display name (`preferred_username`) people read and the
-- token's subject (`sub`), which identifies the person. Actions daff makes or closes by itself (the WASHUP action)
-- name daff and have no subject; actions written before this migration name nobody (null).
alter table follow_up_action add column created_by         varchar(200);
alter table follow_up_action add column created_by_subject varchar(200);
alter table follow_up_action add column updated_at         timestamptz;
alter table follow_up_action add column updated_by         varchar(200);
alter table follow_up_action add column updated_by_subject varchar(200);
alter table follow_up_action add column closed_by          varchar(200);
alter table follow_up_action add column closed_by_subject  varchar(200);
