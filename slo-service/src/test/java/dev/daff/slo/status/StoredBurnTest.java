package dev.daff.slo.status;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.daff.localinfra.SimulatedClock;
import dev.daff.localinfra.TestTokens;
import dev.daff.slo.burn.BurnSnapshot;
import dev.daff.slo.definition.Slo;
import dev.daff.slo.definition.SloDefinitions;
import dev.daff.slo.ingest.SliBuckets;
import dev.daff.slo.ingest.SloOwnership;
import dev.daff.slo.ingest.SloOwnership.OwnershipChanged;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * The stored sums kept for status reads of SLOs another replica evaluates stay bounded: 10,000 SLOs read once each
 * held about 150 MiB until each SLO's delete on this very replica. (Tests run one replica, which evaluates every SLO:
 * here {@link StoredBurn} is asked directly, as the status of an SLO evaluated elsewhere asks it.)
 */
@QuarkusTest
class StoredBurnTest {

    @Inject
    StoredBurn storedBurn;

    @Inject
    SloDefinitions definitions;

    @Inject
    SliBuckets buckets;

    @Inject
    SloOwnership ownership;

    @Inject
    Event<OwnershipChanged> ownershipChanged;

    @Inject
    SimulatedClock clock;

    @Inject
    AgroalDataSource database;

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
    }

    @Test
    void sumsLeaveOnceStaleAndWhenTheirSloIsDeletedElsewhere() throws Exception {
        String kept = create("stored-kept");
        String deleted = create("stored-deleted");
        read(storedBurn, kept);
        read(storedBurn, deleted);
        storedBurn.trim();
        assertTrue(storedBurn.kept().containsAll(List.of(kept, deleted)), "fresh and defined: kept for the tick");

        // Deleted through another replica: no SloDeleted here, only the row gone.
        try (Connection connection = database.getConnection();
                PreparedStatement delete = connection.prepareStatement("delete from slo where name = ?")) {
            delete.setString(1, deleted);
            assertEquals(1, delete.executeUpdate());
        }
        storedBurn.trim();
        assertTrue(storedBurn.kept().contains(kept), "still fresh and defined");
        assertFalse(storedBurn.kept().contains(deleted), "its SLO is gone: " + storedBurn.kept());

        clock.advance(Duration.ofHours(1).plusMinutes(1)); // past a tick (1 h in tests): a read would load it again
        storedBurn.trim();
        assertFalse(storedBurn.kept().contains(kept), "stale: " + storedBurn.kept());
    }

    @Test
    void sumsLeaveWhenThisReplicaComesToEvaluateTheirSlo() {
        String taken = create("stored-taken");
        read(storedBurn, taken);
        assertTrue(storedBurn.kept().contains(taken));

        // A rebalance gives this replica the SLO's partition (in tests it holds them all).
        ownershipChanged.fire(new OwnershipChanged(ownership.partitions(), 12));

        assertFalse(storedBurn.kept().contains(taken), "its live sums answer now: " + storedBurn.kept());
    }

    @Test
    void pastTheCapSumsAreAnsweredButNotKept() {
        StoredBurn capped = new StoredBurn(buckets, definitions, ownership, clock, Duration.ofHours(1), 2);
        List<String> names = List.of(create("stored-cap"), create("stored-cap"), create("stored-cap"));
        names.forEach(name -> read(capped, name));

        Set<String> kept = capped.kept();
        assertEquals(2, kept.size(), "at most two kept: " + kept);
        assertTrue(kept.containsAll(names.subList(0, 2)), "the first two stay for their tick: " + kept);
        assertEquals(0, read(capped, names.get(2)).sloWindow().total(), "the third is answered all the same");
    }

    private String create(String prefix) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(ContentType.JSON).body("""
                {"name": "%s", "service": "checkout", "team": "payments", "description": "checkout requests succeed",
                 "objective": 99.9, "window": "30d"}
                """.formatted(name)).when().post("/api/slos").then().statusCode(201);
        return name;
    }

    private BurnSnapshot read(StoredBurn from, String name) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Slo slo = definitions.findById(name);
            return from.snapshot(slo);
        });
    }
}
