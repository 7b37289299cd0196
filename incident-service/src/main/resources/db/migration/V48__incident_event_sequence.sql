-- Orders each incident's events as they were committed (IncidentEvents reads it holding the incident's outbox key):
-- action-service tells a replayed older event by it and applies nothing of it.
create sequence incident_event_sequence;
