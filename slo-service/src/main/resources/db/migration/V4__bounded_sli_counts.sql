-- A minute bucket holds at most 10^12 events (SliRules.MAX_EVENTS_PER_MINUTE), so no window sum can overflow.
-- Rows that break these rules can only come from the overflow this migration closes; they are unusable (they made
-- the evaluator fail at start), so they go.
delete from sli_bucket where good < 0 or total < 0 or good > total or total > 1000000000000;
alter table sli_bucket add constraint sli_bucket_counts_bounded
    check (good >= 0 and total >= 0 and good <= total and total <= 1000000000000);

-- Ids of SLI events sent with an Idempotency-Key that have been counted, so a client's retry counts once.
-- Kept for a day (BucketRetention).
create table sli_seen_event (
    event_id varchar(100) primary key,
    seen_at  timestamptz  not null
);
create index sli_seen_event_by_age on sli_seen_event (seen_at);
