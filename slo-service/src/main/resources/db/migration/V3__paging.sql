-- A team's on-call definition (members, channels, rotation, overrides, escalation) as one JSON document:
-- it is always read and written whole.
create table team (
    name       varchar(100) primary key,
    definition text         not null,
    updated_at timestamptz  not null,
    version    bigint       not null
);

-- One page per PAGE alert episode (dedup_key), from TRIGGERED to ACKNOWLEDGED or RESOLVED.
create table page (
    id                 uuid         primary key,
    dedup_key          varchar(200) not null unique,
    alert_id           varchar(36)  not null,
    slo_name           varchar(63)  not null,
    service            varchar(100) not null,
    team               varchar(100) not null,
    kind               varchar(20)  not null,
    tier               varchar(20),
    summary            varchar(1024) not null,
    alert              text         not null,
    state              varchar(12)  not null,
    primary_handle     varchar(100),
    escalation_level   integer      not null,
    escalation_round   integer      not null,
    next_escalation_at timestamptz,
    created_at         timestamptz  not null,
    acknowledged_at    timestamptz,
    acknowledged_by    varchar(200),
    resolved_at        timestamptz
);
create index page_by_team on page (team, created_at);
create index page_escalation_due on page (next_escalation_at) where state = 'TRIGGERED';

-- One message to one channel; the dispatcher delivers it (with retries) off the evaluation path.
create table page_notification (
    id              bigserial    primary key,
    page_id         uuid         not null references page (id) on delete cascade,
    action          varchar(12)  not null,
    recipient       varchar(100),
    channel_type    varchar(10)  not null,
    endpoint        varchar(2000) not null,
    secret          varchar(500),
    body            text         not null,
    status          varchar(10)  not null,
    attempts        integer      not null,
    next_attempt_at timestamptz  not null,
    created_at      timestamptz  not null,
    delivered_at    timestamptz
);
create index page_notification_due on page_notification (next_attempt_at) where status = 'PENDING';
create index page_notification_by_page on page_notification (page_id);

-- Every delivery attempt, for the page's delivery log.
create table delivery_attempt (
    id              bigserial   primary key,
    notification_id bigint      not null references page_notification (id) on delete cascade,
    attempt         integer     not null,
    at              timestamptz not null,
    status_code     integer,
    error           varchar(500),
    duration_ms     bigint      not null
);
create index delivery_attempt_by_notification on delivery_attempt (notification_id);

-- Incidents seen on daff.incident-events, to tell which pages became incidents.
create table incident_seen (
    incident_id      uuid         primary key,
    detection_source varchar(20),
    detected_at      timestamptz  not null,
    services         varchar(2000) not null
);
