-- SLO definitions, addressed by their slug name.
create table slo (
    name                  varchar(63)      primary key,
    service               varchar(100)     not null,
    team                  varchar(100)     not null,
    description           varchar(2000),
    objective             double precision not null check (objective > 0 and objective < 100),
    window_days           integer          not null check (window_days in (7, 28, 30)),
    min_events            bigint           not null,
    no_data_after_seconds bigint           not null,
    volume_drop_enabled   boolean          not null,
    volume_drop_ratio     double precision not null,
    page_fast_budget      double precision not null,
    page_slow_budget      double precision not null,
    ticket_fast_budget    double precision not null,
    ticket_slow_budget    double precision not null,
    created_at            timestamptz      not null,
    updated_at            timestamptz      not null,
    version               bigint           not null
);

-- Per-minute SLI aggregates: evaluation reads running sums restored from these, never raw events.
create table sli_bucket (
    slo_name varchar(63) not null,
    minute   timestamptz not null,
    good     bigint      not null,
    total    bigint      not null,
    primary key (slo_name, minute)
);

-- The next Kafka offset to read per partition of daff.sli-events, written in the same transaction as the
-- buckets it produced: counting is exact across crashes.
create table sli_consumer_offset (
    topic        varchar(200) not null,
    partition_no integer      not null,
    next_offset  bigint       not null,
    primary key (topic, partition_no)
);
