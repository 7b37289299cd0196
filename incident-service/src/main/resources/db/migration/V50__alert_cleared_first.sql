-- A PAGE alert's clearing that arrived before its firing (the AlertFired dead-lettered, replayed later): kept until
-- the firing comes, which then records both, so the incident does not say the alert is still firing.
create table alert_cleared_first (
    dedup_key text primary key,
    resolved_at timestamptz,
    received_at timestamptz not null
);
