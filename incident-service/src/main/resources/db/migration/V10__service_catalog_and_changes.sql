-- The service catalog: who owns a service and what it depends on, so "what changed?" can follow dependencies.
create table catalog_service (
    name       varchar(100) primary key,
    team       varchar(100) not null,
    -- A platform everything runs on (Kubernetes control plane, service mesh, DNS): its infrastructure
    -- changes are shown for every incident whatever the catalog says about dependencies.
    shared     boolean      not null,
    updated_at timestamptz  not null,
    updated_by varchar(200) not null
);

create table catalog_dependency (
    service    varchar(100) not null references catalog_service (name) on delete cascade,
    position   integer      not null,
    depends_on varchar(100) not null,
    primary key (service, position)
);
create index catalog_dependency_by_target on catalog_dependency (depends_on);

-- Changes as CI/CD systems and people report them. Only ever inserted.
create table change_event (
    id          uuid          primary key,
    service     varchar(100)  not null,
    kind        varchar(20)   not null,
    summary     varchar(2000) not null,
    author      varchar(200)  not null,
    started_at  timestamptz   not null,
    ended_at    timestamptz,
    ref         varchar(500),
    environment varchar(50)   not null,
    recorded_at timestamptz   not null,
    recorded_by varchar(200)  not null
);
create index change_event_by_service on change_event (service, started_at);
create index change_event_by_time on change_event (started_at);

-- A change people judged to have caused or contributed to an incident.
create table incident_change (
    incident_id uuid         not null references incident (id) on delete cascade,
    change_id   uuid         not null references change_event (id),
    role        varchar(12)  not null,
    linked_at   timestamptz  not null,
    linked_by   varchar(200) not null,
    primary key (incident_id, change_id)
);
create index incident_change_by_change on incident_change (change_id);
