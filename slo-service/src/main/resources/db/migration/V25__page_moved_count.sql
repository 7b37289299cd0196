-- How often a page went with its SLO to another team (PagesFollowTheirSlo): part of the key its PagerDuty incidents
-- are opened under, so that the old team's incident, which stays open there, no longer acknowledges the page.
alter table page add column moved_count int not null default 0;
