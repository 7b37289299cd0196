-- The sequence of the newest incident event applied (IncidentEvent.sequence): an older one, replayed from the
-- dead-letter topic, changes nothing.
alter table known_incident add column sequence bigint;
