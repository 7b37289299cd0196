-- Every decision the deploy gate shows names the change posted afterwards for its service and ref, and a decision
-- that is not ALLOW looks for an admin's override of the same change: with only (service, started_at) and
-- (service, checked_at) to go on, PostgreSQL read the service's whole history of changes and of decisions (a year of
-- deploys: thousands of rows) for each. Only changes with a ref, and only overridden decisions, are indexed.
create index change_event_by_ref on change_event (service, ref, recorded_at) where ref is not null;
create index deploy_decision_overridden on deploy_decision (service, environment, ref, overridden_at)
    where overridden_at is not null;
