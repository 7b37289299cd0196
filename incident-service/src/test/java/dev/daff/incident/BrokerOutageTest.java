package dev.daff.incident;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.daff.events.Topics;
import dev.daff.localinfra.LocalKafka;
import dev.daff.localinfra.RealInfrastructureResource;
import dev.daff.localinfra.TestTokens;
import dev.daff.localinfra.KafkaTestClient;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class BrokerOutageTest {

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
        } finally {
            kafka.start();
        }
        var events = KafkaTestClient.read(kafka.bootstrapServers(), Topics.INCIDENT_EVENTS, record -> id.equals(record.key()),
                1, Duration.ofSeconds(60));
        assertEquals(1, events.size(), "IncidentOpened arrives after the broker is back");
    }
}
