-- Creates a client may retry with an Idempotency-Key (IdempotentCreates, service-kit): what the first request with
-- the key made, so a retry after a lost answer gets that instead of a second one. A key is the caller's own: scope is
-- the endpoint and the caller's subject. Rows older than a day are cleared by later creates.
create table idempotent_request (
    scope text not null,
    key text not null,
    request_sha256 bytea not null,
    created_id uuid not null,
    first_used_at timestamptz not null,
    primary key (scope, key)
);
create index idempotent_request_first_used_at on idempotent_request (first_used_at);
