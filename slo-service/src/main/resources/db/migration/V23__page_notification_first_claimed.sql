-- When a sender was first handed the notification. From then on it may have reached its channel, even while its
-- attempts read 0 (a replica killed after the channel's 2xx, before recording it): a trigger of a resolved page that
-- was never handed to a sender still goes, one that may have gone is not sent again, and a resolve goes only where
-- a trigger may have gone (StaleNotifications). Null: never handed to a sender.
alter table page_notification add column first_claimed_at timestamptz;
-- Rows from before: claimed if they were tried, or leased (a claim moves next_attempt_at off created_at).
update page_notification set first_claimed_at = created_at
where attempts > 0 or status in ('DELIVERED', 'FAILED') or next_attempt_at <> created_at;
