package dev.daff.slo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.daff.localinfra.SimulatedClock;
import dev.daff.slo.burn.SliWindows;
import dev.daff.slo.ingest.SliBuckets;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/** Many SLOs' sums loaded in one statement are what each SLO's own history gives, window by window. */
@QuarkusTest
class StoredSumsTest {

    @Inject
    SliBuckets buckets;

    @Inject
    AgroalDataSource database;

    @Inject
    SimulatedClock clock;

    @Inject
    jakarta.persistence.EntityManager entityManager;

    @Test
    void sumsOfManySlosLoadedTogetherMatchEachSlosHistory() throws Exception {
        Instant now = clock.instant();
        Map<String, Duration> slos = new LinkedHashMap<>();
        slos.put("sums-weekly", Duration.ofDays(7));
        slos.put("sums-monthly", Duration.ofDays(30));
        slos.put("sums-quiet", Duration.ofDays(28)); // no buckets at all
        Random random = new Random(11);
        try (Connection connection = database.getConnection(); PreparedStatement insert = connection.prepareStatement(
                "insert into sli_bucket (slo_name, minute, good, total) values (?, ?, ?, ?) on conflict do nothing")) {
            for (String slo : new String[] { "sums-weekly", "sums-monthly" }) {
                for (int i = 0; i < 3_000; i++) {
                    // Over 31 days, a third of them in the last six hours (minute resolution), some in the future minute.
                    long minutesAgo = i % 3 == 0 ? random.nextInt(400) : random.nextInt(31 * 24 * 60);
                    Instant minute = now.truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(minutesAgo));
                    long total = 1 + random.nextInt(1_000);
                    insert.setString(1, slo);
                    insert.setTimestamp(2, Timestamp.from(minute));
                    insert.setLong(3, random.nextLong(total + 1));
                    insert.setLong(4, total);
                    insert.addBatch();
                }
            }
            insert.executeBatch();
        }

        Map<String, SliWindows> together = QuarkusTransaction.requiringNew().call(() -> buckets.windows(slos, now));

        assertEquals(slos.keySet(), together.keySet());
        for (Map.Entry<String, Duration> slo : slos.entrySet()) {
            SliWindows alone = new SliWindows(slo.getValue());
            alone.advance(now);
            QuarkusTransaction.requiringNew().run(() -> buckets.history(slo.getKey(), slo.getValue(), now)
                    .forEach(bucket -> alone.addStored(bucket.at(), bucket.good(), bucket.total())));
            SliWindows loaded = together.get(slo.getKey());
            for (Duration window : alone.windows()) {
                assertEquals(alone.total(window), loaded.total(window), slo.getKey() + " total over " + window);
                assertEquals(alone.good(window), loaded.good(window), slo.getKey() + " good over " + window);
            }
            if (!slo.getKey().equals("sums-quiet")) {
                assertTrue(loaded.total(slo.getValue()) > 0, slo.getKey());
            }
        }
    }

    /**
     * The SLO window loaded (a restart, a rebalance) is the window counted live: from the start of the hour that holds
     * its beginning. Loaded, that hour's minutes before the window's exact beginning were left out, so the budget
     * jumped back up by up to an hour of errors at every restart (helper-61: a 30-minute outage 30 days ago).
     */
    @Test
    void theSloWindowLoadedHoldsWhatTheWindowCountedLiveHolds() throws Exception {
        Instant now = clock.instant().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofMinutes(34)).plusSeconds(20);
        Duration window = Duration.ofDays(30);
        Instant edgeHour = now.minus(window).truncatedTo(ChronoUnit.HOURS);
        SliWindows live = new SliWindows(window);
        try (Connection connection = database.getConnection(); PreparedStatement insert = connection.prepareStatement(
                "insert into sli_bucket (slo_name, minute, good, total) values ('sums-edge', ?, ?, ?)")) {
            // Each minute of the hour that holds the window's beginning, and one minute a day after.
            for (Instant minute = edgeHour; minute.isBefore(edgeHour.plus(Duration.ofHours(1))); minute = minute.plusSeconds(60)) {
                insert.setTimestamp(1, Timestamp.from(minute));
                insert.setLong(2, 0);
                insert.setLong(3, 1_000);
                insert.addBatch();
                live.add(minute, 0, 1_000);
            }
            Instant later = edgeHour.plus(Duration.ofDays(1));
            insert.setTimestamp(1, Timestamp.from(later));
            insert.setLong(2, 7);
            insert.setLong(3, 7);
            insert.addBatch();
            live.add(later, 7, 7);
            insert.executeBatch();
        }
        live.advance(now);

        SliWindows loaded = QuarkusTransaction.requiringNew()
                .call(() -> buckets.windows(Map.of("sums-edge", window), now)).get("sums-edge");

        assertEquals(60 * 1_000 + 7, live.total(window), "live: the whole hour the window begins in");
        assertEquals(live.total(window), loaded.total(window), "loaded as counted live");
        assertEquals(live.good(window), loaded.good(window));
    }

    /**
     * Each minute holds at most the per-minute limit, but history older than six hours is read summed per hour: an
     * hour with two full minutes is more than one minute may hold, and its SLO must still load (and be evaluated).
     */
    @Test
    void anHourHoldingMoreThanAMinutesLimitLoads() throws Exception {
        Instant now = clock.instant();
        Instant hour = now.minus(Duration.ofHours(8)).truncatedTo(ChronoUnit.HOURS);
        long full = SliWindows.MAX_EVENTS_PER_MINUTE;
        try (Connection connection = database.getConnection(); PreparedStatement insert = connection.prepareStatement(
                "insert into sli_bucket (slo_name, minute, good, total) values ('sums-heavy', ?, ?, ?)")) {
            for (Object[] minute : new Object[][] { { hour.plusSeconds(60), full, full }, { hour.plusSeconds(120), full - 7, full },
                    { now.truncatedTo(ChronoUnit.MINUTES).minusSeconds(120), 3L, 5L } }) {
                insert.setTimestamp(1, Timestamp.from((Instant) minute[0]));
                insert.setLong(2, (Long) minute[1]);
                insert.setLong(3, (Long) minute[2]);
                insert.addBatch();
            }
            insert.executeBatch();
        }

        SliWindows loaded = QuarkusTransaction.requiringNew()
                .call(() -> buckets.windows(Map.of("sums-heavy", Duration.ofDays(30)), now)).get("sums-heavy");

        assertEquals(2 * full + 5, loaded.total(Duration.ofDays(1)));
        assertEquals(2 * full - 7 + 3, loaded.good(Duration.ofDays(30)));
        assertEquals(5, loaded.total(SliWindows.ONE_HOUR));
    }

    /**
     * NO_DATA measures the silence from the last minute with events. A replica that loads an SLO (a restart, a
     * rebalance) reads history older than six hours summed per hour, and nothing from before the window: the last
     * minute heard from must still come back to the minute, or a 12-hour NO_DATA fired up to 59 minutes early after a
     * takeover, and one open longer than the window resolved on the next and never fired again.
     */
    @Test
    void theLastMinuteWithEventsLoadsToTheMinuteFromAnHourOrFromBeforeTheWindow() throws Exception {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MINUTES);
        Instant inAnHour = now.minus(Duration.ofHours(9)).truncatedTo(ChronoUnit.HOURS).plus(Duration.ofMinutes(59));
        Instant beforeTheWindow = now.minus(Duration.ofDays(9)).plus(Duration.ofMinutes(17));
        try (Connection connection = database.getConnection(); PreparedStatement insert = connection.prepareStatement(
                "insert into sli_bucket (slo_name, minute, good, total) values (?, ?, ?, ?)")) {
            for (Object[] bucket : new Object[][] { { "quiet-hours", inAnHour.minusSeconds(1_800), 5L },
                    { "quiet-hours", inAnHour, 5L }, { "quiet-hours", inAnHour.plusSeconds(60), 0L },
                    { "quiet-weeks", beforeTheWindow.minus(Duration.ofDays(1)), 3L }, { "quiet-weeks", beforeTheWindow, 3L } }) {
                insert.setString(1, (String) bucket[0]);
                insert.setTimestamp(2, Timestamp.from((Instant) bucket[1]));
                insert.setLong(3, 0);
                insert.setLong(4, (Long) bucket[2]);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        Map<String, SliWindows> loaded = QuarkusTransaction.requiringNew().call(() -> buckets.windows(
                Map.of("quiet-hours", Duration.ofDays(30), "quiet-weeks", Duration.ofDays(7)), now));

        assertEquals(inAnHour, loaded.get("quiet-hours").lastEventMinute(), "the hour's last minute with events");
        assertEquals(10, loaded.get("quiet-hours").total(Duration.ofDays(1)));
        assertEquals(beforeTheWindow, loaded.get("quiet-weeks").lastEventMinute(), "heard from before the window");
        assertEquals(0, loaded.get("quiet-weeks").total(Duration.ofDays(7)), "and nothing of it counts in the window");
    }

    /**
     * PostgreSQL truncates a timestamptz to the hour in the session's time zone, which the JDBC driver takes from the
     * JVM's: in a zone half an hour off UTC (India, Newfoundland) or a quarter (Nepal), "hours" of stored history
     * began at :30 or :15 and their sums landed in the wrong hour of the windows.
     */
    @Test
    void storedSumsAreTheSameWhateverTheSessionTimeZone() throws Exception {
        Instant now = clock.instant();
        Instant first = now.minus(Duration.ofDays(30)).truncatedTo(ChronoUnit.MINUTES);
        try (Connection connection = database.getConnection(); PreparedStatement insert = connection.prepareStatement(
                "insert into sli_bucket (slo_name, minute, good, total) values ('sums-zoned', ?, 1, 1)")) {
            for (Instant minute = first; !minute.isAfter(now); minute = minute.plusSeconds(60)) {
                insert.setTimestamp(1, Timestamp.from(minute));
                insert.addBatch();
            }
            insert.executeBatch();
        }
        Map<String, Duration> slo = Map.of("sums-zoned", Duration.ofDays(30));
        SliWindows utc = loadedIn("UTC", slo, now);
        for (String zone : new String[] { "Asia/Kolkata", "Asia/Kathmandu", "America/St_Johns" }) {
            SliWindows zoned = loadedIn(zone, slo, now);
            for (Duration window : utc.windows()) {
                assertEquals(utc.total(window), zoned.total(window), zone + ", total over " + window);
            }
        }
    }

    private SliWindows loadedIn(String zone, Map<String, Duration> slo, Instant now) {
        return QuarkusTransaction.requiringNew().call(() -> {
            entityManager.createNativeQuery("select set_config('TimeZone', ?1, true)").setParameter(1, zone)
                    .getSingleResult();
            return buckets.windows(slo, now).get("sums-zoned");
        });
    }
}
