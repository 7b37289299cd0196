-- Reminders sent to the owner team of an open action: one row per action, kind (DUE_SOON, DUE) and due date, written
-- in the same transaction as the reminder's outbox row. The key makes each reminder go out once across replicas and
-- restarts; an action moved to a new due date is reminded again for that date.
create table action_reminder (
    action_id uuid        not null references follow_up_action (id) on delete cascade,
    kind      varchar(10) not null,
    due_at    timestamptz not null,
    sent_at   timestamptz not null,
    primary key (action_id, kind, due_at)
);

