-- incident-service owns "the washup is reviewed" (the washup table); the gate never read action-service's view of
-- its WASHUP action, so the read model stops keeping it. The event contract keeps the field (contracts change
-- additively only).
alter table action_summary drop column washup_done;
