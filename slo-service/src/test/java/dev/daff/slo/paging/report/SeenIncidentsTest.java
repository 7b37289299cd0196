package dev.daff.slo.paging.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/** The incidents the paging report counts, stored as incident-service named their services. */
@QuarkusTest
class SeenIncidentsTest {

    @Inject
    SeenIncidents seen;

    /**
     * Twenty services of 100 characters (what incident-service takes), one with a comma: joined with commas they did not
     * fit their column (the IncidentOpened event was dead-lettered, never counted) and the comma split a name in two.
     */
    @Test
    void anIncidentsServicesAreKeptWholeHoweverManyAndWhateverTheyHold() {
        List<String> services = new ArrayList<>();
        services.add("eu,west " + "x".repeat(92));
        for (int i = 1; i < 20; i++) {
            services.add(String.format("%02d", i) + "y".repeat(98));
        }
        Instant detectedAt = Instant.parse("2001-01-01T00:00:00Z").plusSeconds(new java.util.Random().nextInt(1_000_000));
        QuarkusTransaction.requiringNew().run(() -> seen.record(UUID.randomUUID(), "HUMAN", detectedAt, services));
        List<PagingReport.SeenIncident> found = QuarkusTransaction.requiringNew()
                .call(() -> seen.between(detectedAt, detectedAt.plusSeconds(1)));
        assertEquals(1, found.size());
        assertEquals(services, found.get(0).services());
    }
}
