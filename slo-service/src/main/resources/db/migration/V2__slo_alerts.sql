-- Every alert episode: one row from FIRED to RESOLVED. At most one unresolved row per (SLO, severity, kind).
create table slo_alert (
    alert_id         varchar(36)      primary key,
    dedup_key        varchar(200)     not null unique,
    slo_name         varchar(63)      not null,
    severity         varchar(10)      not null,
    kind             varchar(20)      not null,
    tier             varchar(20),
    burn_rate_long   double precision not null,
    burn_rate_short  double precision not null,
    threshold        double precision not null,
    budget_remaining double precision not null,
    exhaustion_at    timestamptz,
    fired_at         timestamptz      not null,
    resolved_at      timestamptz
);
create unique index slo_alert_one_active on slo_alert (slo_name, severity, kind) where resolved_at is null;
