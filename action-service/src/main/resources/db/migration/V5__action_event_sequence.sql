-- Orders each incident's action events as they were committed (ActionEvents reads it under the incident's lock):
-- incident-service keeps the latest action summary by it, not by the clock of whichever replica wrote it.
create sequence action_event_sequence;
