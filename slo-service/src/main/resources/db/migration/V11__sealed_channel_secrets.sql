-- Channel secrets leave the notification rows' clear text (the application seals them with AES-GCM; values still in
-- the clear after this migration are sealed when the service starts, see SecretRotation).

-- A notification names the team channel it goes to; one page's notifications to one channel go out in order by it,
-- not by comparing secrets. Rows from before: the first notification of the page to the same channel.
alter table page_notification add column channel_ref varchar(220);
update page_notification n set channel_ref = 'legacy/' || f.first_id
from (select id, min(id) over (partition by page_id, channel_type, endpoint, secret) as first_id
      from page_notification) f
where f.id = n.id;

-- A Slack URL is the secret: it moves from endpoint to the sealed secret column (sealed values are longer).
alter table page_notification alter column secret type text;
alter table page_notification alter column endpoint drop not null;
update page_notification set secret = endpoint, endpoint = null where channel_type = 'slack';

-- The PagerDuty body is stored without its routing_key; the dispatcher adds it when it sends.
update page_notification set body = (body::jsonb - 'routing_key')::text
where channel_type = 'pagerduty' and body::jsonb ? 'routing_key';

-- Finished notifications of resolved pages need no secret any more: clear it rather than keep it at all.
update page_notification set secret = null
where status <> 'PENDING' and page_id in (select id from page where state = 'RESOLVED');

-- The delivery log shows viewers a category, never an exception's text (which may quote a URL or an address).
update delivery_attempt set error = case
    when error like 'no complete answer%' or error like '%Timeout%' then 'timeout'
    when error like 'ConnectException%' then 'connection refused'
    when error like '%destination refused%' and error like '%does not resolve%' then 'host not found'
    when error like '%destination refused%' then 'destination refused'
    when error like '%UnresolvedAddress%' or error like '%UnknownHost%' then 'host not found'
    when error like 'SSL%' then 'TLS failure'
    when error = 'interrupted' then 'interrupted'
    else 'delivery failed' end
where error is not null;
update delivery_attempt set error = 'HTTP ' || status_code
where error is null and status_code is not null and (status_code < 200 or status_code >= 300);

-- Who acknowledged: the token's sub (stable) beside the display name.
alter table page add column acknowledged_by_subject varchar(200);
