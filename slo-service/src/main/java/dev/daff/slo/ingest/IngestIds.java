package dev.daff.slo.ingest;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import dev.daff.events.SliEvent;

/**
 * What the consumer counts an event once by ({@code sli_seen_event}): name-UUIDs, so that no producer's string (a NUL
 * in it, megabytes of it) reaches the database, and each kind of id in a space of its own.
 */
final class IngestIds {

    private IngestIds() {
    }

    /**
     * A batch record sent with an Idempotency-Key: its SLO, the key and where in the client's batch it starts — the
     * same for each record of a retried batch, whichever HTTP request or replica sent it.
     */
    static String ofBatch(String slo, String key, int firstIndex) {
        return nameUuid(slo + '\u0000' + key + '\u0000' + firstIndex);
    }

    /**
     * A single event sent with the idempotency header: its SLO and its {@code eventId}, so two SLOs' producers that
     * both number their events from 1 do not drop each other's. "SliEvent" cannot begin an SLO's name, so no batch's
     * id is one of these.
     */
    static String ofEvent(SliEvent event) {
        return nameUuid("SliEvent\u0000" + event.slo() + '\u0000' + event.eventId());
    }

    /**
     * A copy daff made of an event without an idempotency of its own, should it be made or replayed twice (a batch
     * whose commit failed after the copy was sent): where the original was read. Null for an original.
     */
    static String ofCopy(String origin) {
        return origin == null ? null : nameUuid("Copy\u0000" + origin);
    }

    private static String nameUuid(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
