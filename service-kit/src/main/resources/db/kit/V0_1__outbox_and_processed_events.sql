-- Transactional outbox: events are written in the same transaction as the change they describe and a
-- relay publishes them, so an event is never lost when Kafka is away and never sent for a rolled-back change.
create table outbox_message (
    id           bigserial primary key,
    topic        varchar(200) not null,
    message_key  varchar(200) not null,
    payload      text         not null,
    created_at   timestamptz  not null,
    published_at timestamptz
);
create index outbox_message_unpublished on outbox_message (id) where published_at is null;

-- Processed-event log: a consumer records each event id in the same transaction as its effect,
-- so a redelivered event changes nothing.
create table processed_event (
    consumer     varchar(100) not null,
    event_id     varchar(100) not null,
    processed_at timestamptz  not null,
    primary key (consumer, event_id)
);
