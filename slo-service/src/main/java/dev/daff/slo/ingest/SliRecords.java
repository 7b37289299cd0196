package dev.daff.slo.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import dev.daff.events.SliEvent;
import dev.daff.slo.ingest.SliBatch.Observed;
import dev.daff.slo.ingest.SliBatch.Refused;

/** Reads a polled batch of SLI records: what will be counted, what will not (and why), and where each partition goes on. */
@ApplicationScoped
public class SliRecords {

    /** A batch as read: the records to count, those refused, and the next offset of each partition. */
    record Read(List<Observed> observed, List<Refused> refused, Map<TopicPartition, Long> nextOffsets) {
    }

    private final SloCatalog catalog;
    private final ObjectReader reader;

    public SliRecords(SloCatalog catalog, ObjectMapper json) {
        this.catalog = catalog;
        this.reader = json.readerFor(SliEvent.class);
    }

    Read read(ConsumerRecords<String, String> records, Instant now) {
        Map<TopicPartition, Long> nextOffsets = new HashMap<>();
        List<Parsed> parsed = new ArrayList<>(records.count());
        Set<String> named = new HashSet<>();
        for (ConsumerRecord<String, String> record : records) {
            nextOffsets.merge(new TopicPartition(record.topic(), record.partition()), record.offset() + 1, Math::max);
            try {
                SliEvent event = reader.readValue(record.value());
                parsed.add(new Parsed(record, event, null));
                if (event != null && event.slo() != null) {
                    named.add(event.slo());
                }
            } catch (Exception e) {
                parsed.add(new Parsed(record, null, "not a valid SLI event: " + e.getClass().getSimpleName()));
            }
        }
        Map<String, Duration> windows = catalog.windows(named);
        List<Observed> observed = new ArrayList<>(parsed.size());
        List<Refused> refused = new ArrayList<>();
        for (Parsed one : parsed) {
            ConsumerRecord<String, String> record = one.record();
            SliEvent event = one.event();
            Optional<String> rejection = one.unreadable() != null ? Optional.of(one.unreadable())
                    : check(event, windows, Instant.ofEpochMilli(record.timestamp()), now);
            if (rejection.isPresent()) {
                refused.add(new Refused(record, rejection.get()));
                continue;
            }
            Instant at = event.at() == null ? Instant.ofEpochMilli(record.timestamp()) : event.at();
            boolean idempotent = record.headers().lastHeader(SliPublisher.IDEMPOTENCY_HEADER) != null && event.eventId() != null;
            observed.add(new Observed(record, event.slo(), SliRules.minuteOf(at), event.good(), event.total(),
                    idempotent ? event.eventId() : null));
        }
        return new Read(observed, refused, nextOffsets);
    }

    /** A record as read: its event, or why it could not be read. */
    private record Parsed(ConsumerRecord<String, String> record, SliEvent event, String unreadable) {
    }

    private static Optional<String> check(SliEvent event, Map<String, Duration> windows, Instant recordTime, Instant now) {
        if (event == null || event.slo() == null) {
            return Optional.of("slo is required");
        }
        if (event.eventId() != null && (event.eventId().length() > 100 || event.eventId().indexOf(SeenEvents.SEPARATOR) >= 0)) {
            return Optional.of("eventId must be at most 100 characters");
        }
        Duration window = windows.get(event.slo());
        if (window == null) {
            return Optional.of("unknown SLO '" + event.slo() + "'");
        }
        Instant at = event.at() == null ? recordTime : event.at();
        return SliRules.rejection(event.good(), event.total(), at, now, window);
    }
}
