package dev.daff.slo.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import dev.daff.events.Topics;
import dev.daff.kit.kafka.KafkaClients;
import dev.daff.kit.messaging.DeadLetterHeaders;
import dev.daff.slo.ingest.SliBatch.Refused;

/** Puts SLI records that will never be counted on the dead-letter topic, each with the reason. */
@ApplicationScoped
public class SliDeadLetters {

    public static final String REJECTION_HEADER = "daff-rejection";

    private final KafkaClients kafkaClients;
    /** Used by the consumer thread only. */
    private KafkaProducer<String, String> producer;

    public SliDeadLetters(KafkaClients kafkaClients) {
        this.kafkaClients = kafkaClients;
    }

    /** Returns once the broker has every record, so the offsets that skip them may commit; throws otherwise. */
    void send(List<Refused> refused) {
        if (refused.isEmpty()) {
            return;
        }
        if (producer == null) {
            producer = kafkaClients.producer("daff-sli-dead-letters");
        }
        List<Future<RecordMetadata>> sends = new ArrayList<>(refused.size());
        for (Refused one : refused) {
            ProducerRecord<String, String> reject = new ProducerRecord<>(Topics.SLI_EVENTS_DEAD_LETTER, one.record().key(),
                    one.record().value());
            reject.headers().add(REJECTION_HEADER, one.reason().getBytes(StandardCharsets.UTF_8));
            reject.headers().add(DeadLetterHeaders.SOURCE_TOPIC, one.record().topic().getBytes(StandardCharsets.UTF_8));
            sends.add(producer.send(reject));
        }
        try {
            for (Future<RecordMetadata> send : sends) {
                send.get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            KafkaProducer<String, String> failed = producer;
            producer = null;
            failed.close(Duration.ZERO);
            throw new IllegalStateException("dead-letter topic did not acknowledge", e);
        }
    }
}
