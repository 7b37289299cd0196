-- Issue 22: an acknowledged page whose alert still fires after the team's reackAfter is re-opened (reack_due_at,
-- reopened_count, reopen_reason), and a person may resolve a page only once its alert has cleared (resolved_by).
alter table page add column reack_due_at   timestamptz;
alter table page add column reopened_count integer      not null default 0;
alter table page add column reopen_reason  varchar(500);
alter table page add column resolved_by    varchar(200);
create index page_reack_due on page (reack_due_at) where state = 'ACKNOWLEDGED' and reack_due_at is not null;
