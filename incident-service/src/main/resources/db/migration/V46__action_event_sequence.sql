-- The order action-service committed an incident's action events in (ActionEvent.sequence): the newest summary and
-- action are kept by it, since occurred_at is the clock of whichever action-service replica wrote the event.
alter table action_summary add column sequence bigint;
alter table action_item add column sequence bigint;
