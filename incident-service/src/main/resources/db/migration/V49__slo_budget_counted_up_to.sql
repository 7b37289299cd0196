-- When the SLI events behind a snapshot's budget and burn rates were last known all counted (slo-service working
-- through a backlog says how far behind it is); null for snapshots from before, or from a producer that does not say.
alter table slo_budget add column counted_up_to timestamptz;
