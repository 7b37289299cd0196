-- The latest follow-up action summary per incident, from action-service's daff.action-events (newest by
-- occurred_at wins). No foreign key: the summary is action-service's word and may name an incident first.
create table action_summary (
    incident_id   uuid         primary key,
    total         integer      not null,
    open          integer      not null,
    systemic_done integer      not null,
    systemic_open integer      not null,
    washup_done   boolean      not null,
    occurred_at   timestamptz  not null,
    event_id      varchar(200) not null,
    received_at   timestamptz  not null
);

-- The finalisation gate's state per incident: a waiver if one was approved, and whether the incident is
-- finalisable now (so the incident view and list read it without re-evaluating the rule).
create table finalisation (
    incident_id        uuid          primary key references incident (id) on delete cascade,
    finalisable        boolean       not null default false,
    ready_since        timestamptz,
    waiver_reason      varchar(4000),
    waiver_approved_by varchar(200),
    waiver_recorded_by varchar(200),
    waiver_recorded_at timestamptz
);
