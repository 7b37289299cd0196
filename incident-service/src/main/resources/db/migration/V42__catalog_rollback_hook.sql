-- Where a responder may ask a service's pipeline to roll a change back (a signed POST, fired only on request).
alter table catalog_service add column rollback_hook varchar(1000);
