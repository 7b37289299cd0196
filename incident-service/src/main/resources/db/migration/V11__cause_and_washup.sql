-- What caused an incident, in Honeycomb's meta-review taxonomy, and the seams between layers it sat at.
create table incident_cause (
    incident_id uuid          primary key references incident (id) on delete cascade,
    cause_class varchar(10)   not null,
    seams       jsonb         not null,
    summary     varchar(4000),
    set_at      timestamptz   not null,
    set_by      varchar(200)  not null
);

-- The washup (post-incident review) record: DRAFT until reviewed, then frozen.
create table washup (
    incident_id  uuid          primary key references incident (id) on delete cascade,
    status       varchar(10)   not null,
    summary      varchar(4000),
    impact       varchar(4000),
    trigger      varchar(4000),
    root_cause   varchar(4000),
    whys         jsonb         not null,
    one_more_why varchar(4000),
    went_well    jsonb         not null,
    went_wrong   jsonb         not null,
    got_lucky    jsonb         not null,
    detection    varchar(4000),
    updated_at   timestamptz   not null,
    updated_by   varchar(200)  not null,
    reviewed_at  timestamptz,
    reviewed_by  varchar(200)
);
