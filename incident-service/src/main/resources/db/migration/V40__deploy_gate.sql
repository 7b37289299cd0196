-- The deploy gate ("may I deploy now?"): the newest budget snapshot per SLO from slo-service (daff.slo-budgets),
-- freeze windows, and every decision the gate gave.
create table slo_budget (
    slo                  varchar(200)     primary key,
    service              varchar(200)     not null,
    team                 varchar(200)     not null,
    objective            double precision not null,
    budget_remaining     double precision not null,
    burn_rate_one_hour   double precision not null,
    burn_rate_six_hours  double precision not null,
    page_firing          boolean          not null,
    unacknowledged_pages integer          not null,
    observed_at          timestamptz      not null
);
create index slo_budget_service on slo_budget (service);

create table deploy_freeze (
    id                 varchar(100)  primary key,
    starts_at          timestamptz   not null,
    ends_at            timestamptz   not null,
    all_services       boolean       not null,
    services           text          not null,
    reason             varchar(2000) not null,
    created_by         varchar(200)  not null,
    created_by_subject varchar(200),
    created_at         timestamptz   not null
);

create table deploy_decision (
    id                    uuid          primary key,
    service               varchar(200)  not null,
    environment           varchar(100)  not null,
    kind                  varchar(30)   not null,
    ref                   varchar(200),
    author                varchar(200),
    decision              varchar(10)   not null,
    reasons               text          not null,
    checked_at            timestamptz   not null,
    requested_by          varchar(200)  not null,
    requested_by_subject  varchar(200),
    overridden_at         timestamptz,
    overridden_by         varchar(200),
    overridden_by_subject varchar(200),
    override_reason       varchar(2000)
);
create index deploy_decision_service on deploy_decision (service, checked_at desc);
