-- Audit log: one row per transaction that an authenticated API call committed, written inside that transaction, so
-- a write and its entry commit or roll back together. Reads, consumers, schedulers and the outbox relay leave none.
create table audit_entry (
    id            bigserial    primary key,
    occurred_at   timestamptz  not null,
    -- the token's sub (stable) and preferred_username (for people to read), as CurrentActor fits them
    actor_subject varchar(200) not null,
    actor_name    varchar(200) not null,
    -- HTTP method and route template, e.g. "POST /api/incidents/{id}/transitions"
    action        varchar(300) not null,
    -- what the call names: the route's resource and its first path parameter, or what a create made
    object_type   varchar(100) not null,
    object_id     varchar(300) not null,
    -- every row the transaction wrote: [{"type": <table>, "id": <id>, "op": "insert|update|delete|...", "fields": [..]}];
    -- field names only, never values, so no secret or personal text is copied here
    changes       jsonb        not null
);
-- GET /api/audit lists newest first, filtered by actor, object and time.
create index audit_entry_recent on audit_entry (occurred_at desc, id desc);
create index audit_entry_actor on audit_entry (actor_subject, occurred_at desc, id desc);
create index audit_entry_object on audit_entry (object_type, object_id, occurred_at desc, id desc);
-- object= also finds writes that touched the object without naming it (a washup entry for its incident's row)
create index audit_entry_changes on audit_entry using gin (changes jsonb_path_ops);
