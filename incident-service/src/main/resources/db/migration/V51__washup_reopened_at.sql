-- When a reopen of the incident sent its reviewed washup back to draft: the review after it must say why the fix
-- did not hold. Null for a washup never sent back.
alter table washup add column reopened_at timestamptz;
