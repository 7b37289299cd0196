package dev.daff.localinfra;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Test-side Kafka access: write a record as another system would, read a topic as a downstream consumer would. */
public final class KafkaTestClient {

    private KafkaTestClient() {
    }

    public static void send(String bootstrapServers, String topic, String key, String value) {
        send(bootstrapServers, topic, key, value, Map.of());
    }

    /** Sends one record with these headers (text, as UTF-8). */
    public static void send(String bootstrapServers, String topic, String key, String value, Map<String, String> headers) {
        send(bootstrapServers, topic, key, value, headers, new Properties());
    }

    /**
     * Sends one record gzipped, as a producer may: the broker bounds records only compressed, so a value of many
     * megabytes of repetitive text passes it.
     */
    public static void sendGzipped(String bootstrapServers, String topic, String key, String value) {
        Properties gzip = new Properties();
        gzip.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "gzip");
        gzip.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(4 * value.length() + (1 << 20)));
        send(bootstrapServers, topic, key, value, Map.of(), gzip);
    }

    /** Sends one record whose value is these bytes as they are: a producer that does not write UTF-8 (Latin-1). */
    public static void sendBytes(String bootstrapServers, String topic, String key, byte[] value) {
        send(bootstrapServers, topic, key, value, ByteArraySerializer.class, Map.of(), new Properties());
    }

    private static void send(String bootstrapServers, String topic, String key, String value, Map<String, String> headers,
            Properties settings) {
        send(bootstrapServers, topic, key, value, StringSerializer.class, headers, settings);
    }

    private static <V> void send(String bootstrapServers, String topic, String key, V value,
            Class<? extends Serializer<V>> valueSerializer, Map<String, String> headers, Properties settings) {
        Properties props = new Properties();
        props.putAll(settings);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, valueSerializer.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(props)) {
            ProducerRecord<String, V> record = new ProducerRecord<>(topic, key, value);
            headers.forEach((name, text) -> record.headers().add(name, text.getBytes(StandardCharsets.UTF_8)));
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not send to " + topic, e);
        }
    }

    /**
     * Reads {@code topic} from its beginning until {@code count} records match {@code wanted} or
     * {@code timeout} passes; answers the matching records seen.
     */
    public static List<ConsumerRecord<String, String>> read(String bootstrapServers, String topic,
            Predicate<ConsumerRecord<String, String>> wanted, int count, Duration timeout) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> matches = new ArrayList<>();
        Instant deadline = Instant.now().plus(timeout);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            while (matches.size() < count && Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (wanted.test(record)) {
                        matches.add(record);
                    }
                }
            }
        }
        return matches;
    }

    /**
     * Every committed record of {@code topic}, all partitions, from the beginning up to the last stable offset as
     * it is now (read_committed: aborted and still-open transactions are not included).
     */
    public static List<ConsumerRecord<String, String>> readCommitted(String bootstrapServers, String topic,
            Duration timeout) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        Instant deadline = Instant.now().plus(timeout);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + timeout);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
