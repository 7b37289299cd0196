-- What an event id stood for when it was first applied ("v<n>:" and a SHA-256 digest of the content the consumer
-- names, n its way of naming it), for
-- consumers of events from outside daff: a pipeline that reuses an eventId for another change had it taken for a
-- redelivery and dropped unseen. Null for rows from before, and for consumers that name no content.
alter table processed_event add column content_digest varchar(80);
