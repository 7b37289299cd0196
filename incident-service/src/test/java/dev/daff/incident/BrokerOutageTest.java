package dev.daff.incident;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.daff.events.Topics;
import dev.daff.localinfra.LocalKafka;
import dev.daff.localinfra.RealInfrastructureResource;
import dev.daff.localinfra.TestTokens;
import dev.daff.localinfra.KafkaTestClient;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class BrokerOutageTest {

    @Inject
    AgroalDataSource database;

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
    }

    @Test
    void incidentsOpenWhileKafkaIsDownAndTheirEventsGoOutWhenItReturns() {
        LocalKafka kafka = RealInfrastructureResource.kafka();
        kafka.stop();
        String id;
        try {
            id = IncidentLifecycleTest.open(IncidentLifecycleTest.CHECKOUT_DOWN);
            // the API answers without a broker, so the replica stays in its Service's endpoints: unready, every pod
            // would leave them together and the incident API go dark for as long as Kafka is away
            given().when().get("/q/health/ready").then().statusCode(200);
        } finally {
            kafka.start();
        }
        var events = KafkaTestClient.read(kafka.bootstrapServers(), Topics.INCIDENT_EVENTS, record -> id.equals(record.key()),
                1, Duration.ofSeconds(60));
        assertEquals(1, events.size(), "IncidentOpened arrives after the broker is back");
    }

    /**
     * A replica frozen in a transaction holds the outbox relay's lock, an incident's lock or a processed-event row from
     * the other replicas only until PostgreSQL ends its session (action-service's OutboxConcurrencyTest freezes one).
     */
    @Test
    void theServicesSessionsIdleInATransactionAreEndedAfterTwentySeconds() throws Exception {
        try (Connection connection = database.getConnection();
                ResultSet shown = connection.createStatement().executeQuery("show idle_in_transaction_session_timeout")) {
            shown.next();
            assertEquals("20s", shown.getString(1));
        }
    }

    /**
     * Every pooled connection gives up on a database that stops answering (a host lost without a reset) after a
     * minute, rather than after TCP's quarter of an hour with this service's consumers stalled on it.
     */
    @Test
    void everyDatabaseConnectionGivesUpOnAnAnswerAfterAMinute() throws Exception {
        try (java.sql.Connection connection = database.getConnection()) {
            assertEquals(60_000, connection.getNetworkTimeout());
        }
    }
}
