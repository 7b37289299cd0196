-- An SLO's alert episodes newest first (GET /api/alerts?state=all&slo=, the console's SLO view): without it every
-- read sorted every episode of every SLO ever fired; slo_alert_one_active covers unresolved episodes only.
create index slo_alert_by_slo_fired on slo_alert (slo_name, fired_at desc, alert_id desc);
