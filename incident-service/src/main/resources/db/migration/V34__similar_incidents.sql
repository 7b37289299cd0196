-- "Has this happened before?": trigram similarity of titles and cause texts (pg_trgm ships with PostgreSQL's
-- contrib and is a trusted extension, so the database owner may create it).
create extension if not exists pg_trgm;

-- Each follow-up action as action-service last announced it on daff.action-events (newest by occurred_at wins), so
-- similar incidents can show an earlier incident's SYSTEMIC actions and when they were done. Filled from events
-- received from this version on. No foreign key: action-service may name an incident first.
create table action_item (
    action_id   uuid         primary key,
    incident_id uuid         not null,
    title       varchar(200) not null,
    kind        varchar(20)  not null,
    scope       varchar(20)  not null,
    status      varchar(20)  not null,
    -- When the action was first seen DONE (the occurred_at of that event).
    done_at     timestamptz,
    occurred_at timestamptz  not null,
    event_id    varchar(200) not null
);
create index action_item_by_incident on action_item (incident_id);

-- An incident that matched an earlier one whose SYSTEMIC action was done before it was detected: set once, when the
-- match is first found, and never taken back.
create table incident_recurrence (
    incident_id         uuid          primary key references incident (id) on delete cascade,
    earlier_incident_id uuid          not null references incident (id) on delete cascade,
    action_id           uuid          not null,
    action_title        varchar(200)  not null,
    action_done_at      timestamptz   not null,
    score               integer       not null,
    why                 varchar(2000) not null,
    marked_at           timestamptz   not null
);
create index incident_recurrence_by_earlier on incident_recurrence (earlier_incident_id);

-- For a recurrence, the washup asks why the earlier fix did not hold.
alter table washup add column why_fix_did_not_hold varchar(4000);
