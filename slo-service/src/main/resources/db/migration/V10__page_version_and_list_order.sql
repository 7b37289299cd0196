-- Acknowledge, resolve and escalation lock the page row (escalation skips rows another replica holds); the version
-- makes any writer that did not lock fail instead of overwriting a newer state.
alter table page add column version bigint not null default 0;

-- List endpoints page newest first with a keyset cursor (time, then id to break ties).
create index page_by_created on page (created_at desc, id desc);
create index slo_alert_by_fired on slo_alert (fired_at desc, alert_id desc);
