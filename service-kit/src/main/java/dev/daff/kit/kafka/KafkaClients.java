package dev.daff.kit.kafka;

import java.util.Map;
import java.util.Properties;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.smallrye.common.annotation.Identifier;

/**
 * Plain Kafka clients for the places that need exact control (the outbox relay, exactly-once SLI
 * counting), configured from the same {@code kafka.*} settings as the messaging channels, so credentials
 * and TLS are set once.
 */
@ApplicationScoped
public class KafkaClients {

    private final Map<String, Object> brokerConfig;

    public KafkaClients(@Identifier("default-kafka-broker") Map<String, Object> brokerConfig) {
        this.brokerConfig = brokerConfig;
    }

    /** An idempotent producer that waits for all in-sync replicas and gives up on an absent broker quickly. */
    public KafkaProducer<String, String> producer(String clientId) {
        return new KafkaProducer<>(producerProperties(clientId));
    }

    private Properties producerProperties(String clientId) {
        Properties props = common();
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "10000");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "2");
        return props;
    }

    /** A producer whose sends become visible all together or not at all. */
    public KafkaProducer<String, String> transactionalProducer(String clientId, String transactionalId) {
        Properties props = producerProperties(clientId);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        // An HTTP caller waits on these: with the broker away, say 503 within seconds rather than hold the request.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "2000");
        // A batch commits within milliseconds; a transaction left open by a killed process holds back every
        // read_committed reader of its partitions until the broker aborts it, so make that 10 s, not Kafka's 60 s.
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "10000");
        return new KafkaProducer<>(props);
    }

    /**
     * Records per poll of a {@link #consumer}: a batch is one database transaction, so larger batches spread its
     * fixed costs (offset rows, commit) over more events.
     */
    public static final int MAX_POLL_RECORDS = 5_000;
    /**
     * Bytes one fetch of a {@link #consumer} brings at most (Kafka's default is 50 MiB): 5,000 single events are
     * about 1 MiB, but a record may carry a batch of 1,000 observations (slo-service's HTTP ingest writes such), and
     * 5,000 of those would be a 300 MiB poll in a heap of 384 MiB. A larger record still comes, alone.
     */
    static final int FETCH_MAX_BYTES = 4 * 1024 * 1024;
    /**
     * A fetch waits for this much (or {@link #FETCH_MAX_WAIT_MS}): under load each poll — one database transaction
     * with its offset rows — then carries many records instead of the one or two that arrived since the last, at
     * most 50 ms later than Kafka's default of answering as soon as anything is there.
     */
    static final int FETCH_MIN_BYTES = 64 * 1024;
    static final int FETCH_MAX_WAIT_MS = 50;

    /** A consumer that never commits on its own: the caller stores offsets where it stores its results. */
    public KafkaConsumer<String, String> consumer(String groupId, String clientId) {
        return consumer(groupId, clientId, StringDeserializer.class);
    }

    /** {@link #consumer(String, String)} reading keys and values with {@code text} (one that bounds what it decodes). */
    public KafkaConsumer<String, String> consumer(String groupId, String clientId,
            Class<? extends Deserializer<String>> text) {
        Properties props = common();
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, text.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, text.getName());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(MAX_POLL_RECORDS));
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(FETCH_MAX_BYTES));
        props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, String.valueOf(FETCH_MIN_BYTES));
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, String.valueOf(FETCH_MAX_WAIT_MS));
        // A replica that dies without leaving the group holds its partitions until its session expires:
        // keep that short so a crashed replica's SLOs are counted and evaluated again within seconds.
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000");
        return new KafkaConsumer<>(props);
    }

    /** An admin client for reading offsets (dead-letter depth); the caller closes it. */
    public org.apache.kafka.clients.admin.Admin admin(String clientId) {
        Properties props = common();
        props.put(org.apache.kafka.clients.admin.AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        props.put(org.apache.kafka.clients.admin.AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        props.put(org.apache.kafka.clients.admin.AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        return org.apache.kafka.clients.admin.Admin.create(props);
    }

    private Properties common() {
        Properties props = new Properties();
        // Only connection and security settings carry over; serializers and group settings are ours.
        brokerConfig.forEach((key, value) -> {
            if (key.startsWith("bootstrap.") || key.startsWith("security.") || key.startsWith("ssl.")
                    || key.startsWith("sasl.")) {
                props.put(key, value);
            }
        });
        return props;
    }
}
