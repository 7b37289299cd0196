-- The overdue check and the reminders read open actions past or near their due date four times a minute; without
-- it each read went through every action ever written.
create index follow_up_action_by_status_due on follow_up_action (status, due_at);
