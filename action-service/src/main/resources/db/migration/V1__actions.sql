create table follow_up_action (
    id                 uuid          primary key,
    incident_id        uuid          not null,
    title              varchar(200)  not null,
    description        varchar(4000),
    owner_team         varchar(100)  not null,
    assignee           varchar(200),
    kind               varchar(10)   not null,
    scope              varchar(10)   not null,
    systemic_rationale varchar(4000),
    priority           varchar(2)    not null,
    status             varchar(12)   not null,
    wont_do_reason     varchar(4000),
    due_at             timestamptz   not null,
    created_at         timestamptz   not null,
    closed_at          timestamptz,
    overdue_notified_at timestamptz,
    version            bigint        not null
);
create index follow_up_action_by_incident on follow_up_action (incident_id);
create index follow_up_action_by_team on follow_up_action (owner_team, status);

-- What action-service knows of each incident (from daff.incident-events): its severity sets due dates.
create table known_incident (
    id         uuid         primary key,
    severity   varchar(4)   not null,
    team       varchar(100) not null,
    status     varchar(12)  not null,
    updated_at timestamptz  not null
);
