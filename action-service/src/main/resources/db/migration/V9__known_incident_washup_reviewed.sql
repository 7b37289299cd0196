-- The sequence of the newest WashupReviewed applied: a resolve replayed from the dead-letter topic after its washup
-- was reviewed makes no WASHUP action (nothing would ever close it).
alter table known_incident add column washup_reviewed_sequence bigint;
