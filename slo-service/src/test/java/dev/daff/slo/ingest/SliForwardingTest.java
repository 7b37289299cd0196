package dev.daff.slo.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import dev.daff.events.Topics;
import dev.daff.localinfra.KafkaTestClient;
import dev.daff.localinfra.RealInfrastructureResource;
import io.quarkus.test.junit.QuarkusTest;

/** Records the consumer puts back on the SLI topic under their SLO's key (sent with another key by a client). */
@QuarkusTest
class SliForwardingTest {

    @Inject
    SliDeadLetters deadLetters;

    /**
     * A record without a time (-1, from a client that sets none) cannot be sent again with it: Kafka's producer refuses
     * a negative timestamp, the batch failed on every try, and the consumer restarted from the same offsets for good,
     * so nothing more on its partitions was counted. The copy goes without one and the broker stamps it.
     */
    @Test
    void aRecordWithoutATimeIsForwardedAndStampedByTheBroker() {
        String slo = "forwarded-" + UUID.randomUUID().toString().substring(0, 8);
        ConsumerRecord<String, String> timeless = new ConsumerRecord<>(Topics.SLI_EVENTS, 0, 0L,
                RecordBatch.NO_TIMESTAMP, TimestampType.CREATE_TIME, -1, -1, "another key",
                "{\"slo\": \"" + slo + "\", \"good\": 1, \"total\": 1}", new RecordHeaders(), Optional.empty());
        deadLetters.forward(List.of(new SliBatch.Forwarded(timeless, slo)));
        List<ConsumerRecord<String, String>> copies = KafkaTestClient.read(
                RealInfrastructureResource.kafka().bootstrapServers(), Topics.SLI_EVENTS, record -> slo.equals(record.key()),
                1, Duration.ofSeconds(20));
        assertEquals(timeless.value(), copies.get(0).value());
        assertTrue(copies.get(0).timestamp() > 0, "stamped " + copies.get(0).timestamp());
    }
}
