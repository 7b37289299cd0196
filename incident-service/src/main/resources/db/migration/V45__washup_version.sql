-- A washup edit and its review may run at once: each writes the whole row, so without a version the one that commits
-- second silently undid the other (an edit answered 200 and lost, or a review whose effects went out undone).
alter table washup add column version bigint not null default 0;
