-- Which incident an alert episode (dedupKey) opened or joined, so its resolution lands on the same timeline.
create table alert_link (
    dedup_key   varchar(300) primary key,
    incident_id uuid         not null references incident (id) on delete cascade,
    linked_at   timestamptz  not null
);
