create table incident (
    id                uuid          primary key,
    title             varchar(200)  not null,
    summary           varchar(4000),
    severity          varchar(4)    not null,
    status            varchar(12)   not null,
    team              varchar(100)  not null,
    detection_source  varchar(20)   not null,
    impact_started_at timestamptz,
    detected_at       timestamptz   not null,
    acknowledged_at   timestamptz,
    identified_at     timestamptz,
    resolved_at       timestamptz,
    finalised_at      timestamptz,
    created_at        timestamptz   not null,
    version           bigint        not null
);
create index incident_status on incident (status);
create index incident_detected_at on incident (detected_at);

create table incident_service (
    incident_id uuid         not null references incident (id) on delete cascade,
    position    integer      not null,
    service     varchar(100) not null,
    primary key (incident_id, position)
);
create index incident_service_by_service on incident_service (service);

-- Immutable: rows are only ever inserted.
create table timeline_entry (
    id          bigserial     primary key,
    incident_id uuid          not null references incident (id) on delete cascade,
    at          timestamptz   not null,
    kind        varchar(40)   not null,
    phase       varchar(10),
    actor       varchar(200)  not null,
    text        varchar(4000) not null,
    data        text,
    recorded_at timestamptz   not null
);
create index timeline_entry_by_incident on timeline_entry (incident_id, at, id);
