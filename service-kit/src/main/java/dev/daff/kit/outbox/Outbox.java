package dev.daff.kit.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.OffsetDateTime;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.events.EventEnvelope;
import dev.daff.kit.db.AdvisoryLocks;

/**
 * Writes an event to the transactional outbox inside the caller's transaction: it is published by
 * {@link OutboxRelay} if and only if the business change commits. Events for one key are published in the order
 * their transactions commit: {@link #publish} takes the key's lock before it inserts, so ids follow that order.
 */
@ApplicationScoped
public class Outbox {

    /**
     * Bytes of one event's JSON: Kafka's default request and message limits are 1 MiB with the key and headers. A row
     * the producer refuses holds back every later row of its topic and key for good (they wait so as not to overtake
     * it), so a larger event fails its own transaction instead.
     */
    public static final int MAX_PAYLOAD_BYTES = 1_000_000;

    private final EntityManager entityManager;
    private final ObjectMapper json;
    private final Clock clock;
    private final OutboxSignal signal;
    private final TransactionSynchronizationRegistry transactions;

    public Outbox(EntityManager entityManager, ObjectMapper json, Clock clock, OutboxSignal signal,
            TransactionSynchronizationRegistry transactions) {
        this.entityManager = entityManager;
        this.json = json;
        this.clock = clock;
        this.signal = signal;
        this.transactions = transactions;
    }

    /**
     * Makes every other transaction writing an event for this key wait until this one ends. The outbox calls it
     * for each event; a writer whose event describes state it reads first (a summary of many rows) calls it before
     * reading, so that concurrent writers see each other's changes and their events go out in commit order.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void serialise(String topic, String key) {
        AdvisoryLocks.take(entityManager, topic + '\n' + key);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void publish(String topic, String key, EventEnvelope event) {
        if (event.eventId() == null || event.type() == null || event.version() < 1 || event.occurredAt() == null) {
            throw new IllegalArgumentException("an event needs its whole envelope (eventId, type, version, occurredAt): "
                    + event.getClass().getSimpleName());
        }
        serialise(topic, key);
        String payload;
        try {
            payload = json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event cannot be written as JSON: " + event.getClass().getSimpleName(), e);
        }
        // a char is at most 3 bytes in UTF-8: only a payload that might be over the limit is measured (and copied)
        int bytes = payload.length() <= MAX_PAYLOAD_BYTES / 3 ? 0 : payload.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("an event of " + bytes + " bytes is over the outbox's "
                    + MAX_PAYLOAD_BYTES + ": " + event.getClass().getSimpleName());
        }
        insert(topic, key, payload, event.eventId(), event.type());
    }

    /**
     * Writes a tombstone for {@code key} (a record without a value) to the outbox inside the caller's transaction:
     * on a compacted topic it tells readers the key is gone, after every event for the key written before it.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void tombstone(String topic, String key) {
        serialise(topic, key);
        insert(topic, key, null, null, null);
    }

    private void insert(String topic, String key, String payload, String eventId, String eventType) {
        entityManager.createNativeQuery("""
                insert into outbox_message (topic, message_key, payload, created_at, event_id, event_type)
                values (?1, ?2, ?3, ?4, ?5, ?6)
                """)
                .setParameter(1, topic)
                .setParameter(2, key)
                .setParameter(3, payload)
                .setParameter(4, OffsetDateTime.now(clock))
                .setParameter(5, eventId)
                .setParameter(6, eventType)
                .executeUpdate();
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    signal.committed();
                }
            }
        });
    }
}
