-- Who holds each role on an incident now, instead of rebuilding it from the timeline's ROLE_ASSIGNED entries (the
-- timeline keeps every assignment and hand-over). Filled from the latest such entry per incident and role.
create table incident_role (
    incident_id         uuid         not null references incident (id) on delete cascade,
    role                varchar(20)  not null,
    handle              varchar(200) not null,
    assigned_at         timestamptz  not null,
    assigned_by         varchar(200) not null,
    assigned_by_subject varchar(200),
    primary key (incident_id, role)
);

insert into incident_role (incident_id, role, handle, assigned_at, assigned_by, assigned_by_subject)
select distinct on (incident_id, data::jsonb ->> 'role')
       incident_id, data::jsonb ->> 'role', data::jsonb ->> 'handle', at, actor, actor_subject
from timeline_entry
where kind = 'ROLE_ASSIGNED' and data is not null and data::jsonb ->> 'role' is not null
  and data::jsonb ->> 'handle' is not null
order by incident_id, data::jsonb ->> 'role', id desc;
