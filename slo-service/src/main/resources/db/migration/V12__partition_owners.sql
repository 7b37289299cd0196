-- Which replica owns each SLI partition, claimed on assignment. An evaluator confirms it still owns an SLO's
-- partition, under a share lock, in the transaction that stores an alert transition: a replica that was paused past
-- its Kafka session and wakes up believing it still owns its SLOs cannot fire or resolve an alert from stale sums.
create table sli_partition_owner (
    topic        varchar(200) not null,
    partition_no integer      not null,
    owner        varchar(100) not null,
    claimed_at   timestamptz  not null,
    primary key (topic, partition_no)
);
