-- The Idempotency-Keys HTTP ingest took, per SLO, with a digest of the batch each first came with. The consumer counts
-- a keyed batch once per SLO, key and position, so a different batch under a used key would be answered 202 and never
-- counted; with this the service refuses it (422) before it reaches the log. Forgotten after a day, with the
-- consumer's own record of keyed events (sli_seen_event).
create table sli_ingest_key (
    slo_name varchar(63) not null,
    idempotency_key varchar(200) not null,
    batch_sha256 bytea not null,
    first_used_at timestamptz not null,
    primary key (slo_name, idempotency_key)
);
create index sli_ingest_key_by_age on sli_ingest_key (first_used_at);
