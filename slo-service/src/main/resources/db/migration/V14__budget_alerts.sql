-- Optional budget alerts beyond the Workbook tiers (issue 22): exhaustion time and budget drop, off by default so
-- existing SLOs alert exactly as before.
alter table slo add column exhaustion_alerts_enabled        boolean          not null default false;
alter table slo add column exhaustion_rate_window_seconds   bigint           not null default 21600;
alter table slo add column exhaustion_ticket_within_seconds bigint           not null default 86400;
alter table slo add column exhaustion_page_within_seconds   bigint           not null default 14400;
alter table slo add column budget_drop_enabled              boolean          not null default false;
alter table slo add column budget_drop_fraction             double precision not null default 0.05;
alter table slo add column budget_drop_window_seconds       bigint           not null default 3600;
alter table slo add column budget_drop_severity             varchar(10)      not null default 'TICKET';
