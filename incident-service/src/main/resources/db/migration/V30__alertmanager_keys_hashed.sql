-- Alertmanager group keys run to 1,000 characters, and the processed-event id of an Alertmanager alert added
-- the alert's fingerprint, start and status to the group key: both overflowed their columns (processed_event's
-- 100 characters at once for a realistic group key), and the webhook answered 500. Both keys are SHA-256 hex
-- digests now (AlertIncidents.sha256); rewrite the ones stored before in the same way, so open incidents keep
-- their group and repeated notifications stay recognised across the upgrade.
update alert_link
   set dedup_key = 'alertmanager:' || encode(sha256(convert_to(substr(dedup_key, length('alertmanager:') + 1), 'UTF8')), 'hex')
 where dedup_key like 'alertmanager:%';

update processed_event
   set event_id = encode(sha256(convert_to(event_id, 'UTF8')), 'hex')
 where consumer = 'incident-service/alertmanager';
