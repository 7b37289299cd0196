-- People are identified by the token's `sub`, which never changes; the `*_by` columns keep the display name
-- (`preferred_username`) people read. Rows written before have no subject (null): nobody can be matched to them.
alter table incident_cause add column set_by_subject varchar(200);
alter table washup add column updated_by_subject varchar(200);
alter table washup add column reviewed_by_subject varchar(200);

-- A finalisation waiver is proposed by one person (waiver_recorded_*) and takes effect once approved
-- (waiver_approved_*) by an admin or by a second responder with their own token. Waivers recorded before carried
-- a free-text approver and took effect at once: they stay in force, approved when recorded.
alter table finalisation add column waiver_recorded_by_subject varchar(200);
alter table finalisation add column waiver_approved_by_subject varchar(200);
alter table finalisation add column waiver_approved_at timestamptz;
update finalisation set waiver_approved_at = waiver_recorded_at where waiver_recorded_at is not null;

-- Everyone a washup review names: the reviewer who recorded it (confirmed at once) and the others, pending until
-- each confirms with their own call. A pending reviewer is known by name only; confirming binds the subject.
create table washup_reviewer (
    id           bigserial     primary key,
    incident_id  uuid          not null references washup (incident_id) on delete cascade,
    position     integer       not null,
    name         varchar(200)  not null,
    subject      varchar(200),
    confirmed_at timestamptz,
    unique (incident_id, name)
);

-- Everything else that names a person: timeline entries (daff's own have no subject), catalog entries, changes
-- reported over HTTP (those from daff.change-events name daff's consumer), and links of changes to incidents.
alter table timeline_entry add column actor_subject varchar(200);
alter table catalog_service add column updated_by_subject varchar(200);
alter table change_event add column recorded_by_subject varchar(200);
alter table incident_change add column linked_by_subject varchar(200);
