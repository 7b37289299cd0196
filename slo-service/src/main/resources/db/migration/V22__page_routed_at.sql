-- A page's current round of paging began at routed_at: when it fired, was re-opened, or moved with its SLO to another
-- team. Triggers queued before it are stale (not sent, not counted as heard); null on pages from before V22.
alter table page add column routed_at timestamptz;
create index page_open_by_slo on page (slo_name) where state <> 'RESOLVED';
