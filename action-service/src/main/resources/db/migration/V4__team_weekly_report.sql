-- The weekly follow-up report, once per team and ISO week (e.g. 2026-W49), written in the same transaction as the
-- report's outbox row: replicas and restarts send nothing twice.
create table team_weekly_report (
    team    varchar(100) not null,
    week    varchar(8)   not null,
    sent_at timestamptz  not null,
    primary key (team, week)
);
