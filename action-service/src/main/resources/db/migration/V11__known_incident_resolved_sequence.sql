-- The sequence of the newest IncidentResolved applied: a WashupReviewed older than it reviewed an earlier round (the
-- incident was reopened and resolved since, its washup a draft again), and closes nothing of this one.
alter table known_incident add column resolved_sequence bigint;
