-- Team notices (follow-up reminders, weekly reports from daff.team-notices) go through the page notification queue,
-- so they are delivered, retried, logged and re-sealed on key rotation exactly as pages are; they belong to no page.
-- Only a notice may lack a page, and a notice never has one.
alter table page_notification alter column page_id drop not null;
alter table page_notification add constraint page_notification_page_or_notice
    check ((page_id is null) = (action = 'notice'));
