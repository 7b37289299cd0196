-- Where a notification is sent, as one delivery lane (a webhook's host, slack, pagerduty): a replica lets one lane
-- hold only part of its delivery workers, so receivers that hang cannot hold every other page up. Rows queued before
-- this go by their channel type.
alter table page_notification add column lane varchar(300);
