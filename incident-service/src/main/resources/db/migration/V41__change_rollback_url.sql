-- Where a responder undoes a change (a pipeline's rollback job, a flag's page), when the reporter said.
alter table change_event add column rollback_url varchar(1000);
