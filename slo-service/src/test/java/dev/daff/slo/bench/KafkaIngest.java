package dev.daff.slo.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.ObjectReader;

import dev.daff.events.SliEvent;
import dev.daff.events.Topics;
import dev.daff.kit.kafka.KafkaClients;
import dev.daff.localinfra.LocalPostgres;

/**
 * Kafka ingest: the packaged service counting into PostgreSQL next to a bare consumer that only parses the same
 * kind of messages, on the same broker with the same partitioning. Each run's records are written in one Kafka
 * transaction while the readers wait (both read committed), so both clocks start at the commit: nothing is
 * counted during anybody's start-up or group join. The service is done when {@code sli_consumer_offset} holds
 * every partition's last offset; the bare consumer when it has parsed the last record.
 */
final class KafkaIngest {

    static final int EVENTS = 500_000;
    static final String BARE_TOPIC = "daff.bench.bare-sli-events";
    static final int PARTITIONS = 12;

    private final String bootstrapServers;
    private final LocalPostgres postgres;
    private final List<String> slos;
    private final Random random = new Random(17);
    /** Where the machine's CPU went during the last {@link #service} run. */
    String lastRunCpu = "";

    KafkaIngest(String bootstrapServers, LocalPostgres postgres, List<String> slos) throws Exception {
        this.bootstrapServers = bootstrapServers;
        this.postgres = postgres;
        this.slos = slos;
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(props)) {
            if (!admin.listTopics().names().get().contains(BARE_TOPIC)) {
                admin.createTopics(List.of(new NewTopic(BARE_TOPIC, PARTITIONS, (short) 1))).all().get();
            }
        }
    }

    /** A realistic mix: events of all SLOs, spread over the last hour, one in 2,000 bad. */
    List<ProducerRecord<String, String>> records(String topic, int count) throws Exception {
        Instant now = Instant.now();
        List<ProducerRecord<String, String>> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String slo = slos.get(random.nextInt(slos.size()));
            Instant at = now.minusMillis(60_000 + (long) random.nextInt(3_500_000));
            SliEvent event = SliEvent.observed(UUID.randomUUID().toString(), now, slo, at, i % 2000 == 0 ? 0 : 1, 1);
            records.add(new ProducerRecord<>(topic, slo, Bench.JSON.writeValueAsString(event)));
        }
        return records;
    }

    /**
     * Writes the records in one transaction; answers {@code System.nanoTime()} just before the commit (when they
     * become visible to read_committed readers) and fills {@code lastOffsets} with each partition's last offset.
     */
    long produceCommitted(List<ProducerRecord<String, String>> records, Map<Integer, Long> lastOffsets) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "daff-bench-" + UUID.randomUUID());
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "120000");
        Map<Integer, Long> last = new ConcurrentHashMap<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (ProducerRecord<String, String> record : records) {
                producer.send(record, (metadata, e) -> {
                    if (e == null) {
                        last.merge(metadata.partition(), metadata.offset(), Math::max);
                    }
                });
            }
            producer.flush();
            long visibleFrom = System.nanoTime();
            producer.commitTransaction();
            lastOffsets.putAll(last);
            return visibleFrom;
        }
    }

    /** Events per second of a bare consumer (one thread, like the service's) that reads and parses, nothing else. */
    double bare(int count) throws Exception {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(KafkaClients.MAX_POLL_RECORDS)); // as the service's
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ProducerRecord<String, String>> records = records(BARE_TOPIC, count);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(BARE_TOPIC, p));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            ObjectReader reader = Bench.JSON.readerFor(SliEvent.class); // as the service's consumer reads
            long started = produceCommitted(records, new HashMap<>());
            int read = 0;
            while (read < count) {
                ConsumerRecords<String, String> polled = consumer.poll(Duration.ofMillis(200));
                for (var record : polled) {
                    reader.readValue(record.value());
                    read++;
                }
            }
            return count / Bench.secondsSince(started);
        }
    }

    /** Events per second the running replica(s) count into PostgreSQL, from the commit to the last stored offset. */
    double service(int count) throws Exception {
        List<ProducerRecord<String, String>> records = records(Topics.SLI_EVENTS, count);
        Map<Integer, Long> last = new HashMap<>();
        long started = produceCommitted(records, last);
        Map<String, Double> cpuBefore = ProcessCpu.now();
        try (Connection db = Bench.sql(postgres, "slo"); Statement query = db.createStatement()) {
            Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
            while (Instant.now().isBefore(deadline)) {
                Map<Integer, Long> stored = new HashMap<>();
                try (ResultSet rows = query.executeQuery(
                        "select partition_no, next_offset from sli_consumer_offset where topic = '" + Topics.SLI_EVENTS + "'")) {
                    while (rows.next()) {
                        stored.put(rows.getInt(1), rows.getLong(2));
                    }
                }
                if (last.entrySet().stream().allMatch(e -> stored.getOrDefault(e.getKey(), 0L) > e.getValue())) {
                    double seconds = Bench.secondsSince(started);
                    lastRunCpu = ProcessCpu.describe(ProcessCpu.between(cpuBefore, ProcessCpu.now()), seconds);
                    return count / seconds;
                }
                Thread.sleep(5);
            }
        }
        throw new IllegalStateException("the service did not count " + count + " events within 5 minutes");
    }

    /** Waits until the SLI partitions are claimed by {@code replicas} different replicas. */
    void awaitOwners(int replicas) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        try (Connection db = Bench.sql(postgres, "slo"); Statement query = db.createStatement()) {
            while (Instant.now().isBefore(deadline)) {
                try (ResultSet rows = query.executeQuery("select count(distinct owner), count(*) from sli_partition_owner"
                        + " where topic = '" + Topics.SLI_EVENTS + "'")) {
                    rows.next();
                    if (rows.getInt(1) == replicas && rows.getInt(2) == PARTITIONS) {
                        return;
                    }
                }
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("the SLI partitions were not shared by " + replicas + " replicas in time");
    }
}
