package dev.daff.action;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.action.incidents.KnownIncidents;
import dev.daff.events.Topics;
import dev.daff.localinfra.KafkaTestClient;
import dev.daff.localinfra.RealInfrastructureResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.restassured.http.ContentType;

/** What the action-service tests do over and over: incidents on Kafka, actions over HTTP, events read back. */
final class ActionTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private ActionTestSupport() {
    }

    static String kafka() {
        return RealInfrastructureResource.kafka().bootstrapServers();
    }

    /** Sends an incident event as incident-service would; answers the eventId. */
    static String sendIncidentEvent(String eventId, String type, UUID incidentId, String severity, String team,
            String status) {
        return sendIncidentEvent(eventId, type, incidentId, severity, team, status, null);
    }

    /** An incident event with its {@code sequence}: the order incident-service committed the incident's events in. */
    static String sendIncidentEvent(String eventId, String type, UUID incidentId, String severity, String team,
            String status, Long sequence) {
        String event = """
                {"eventId": "%s", "type": "%s", "version": 1, "incidentId": "%s", "occurredAt": "%s",
                 "title": "Checkout errors", "severity": "%s", "services": ["checkout"], "team": "%s",
                 "status": "%s", "sequence": %s}
                """.formatted(eventId, type, incidentId, Instant.now(), severity, team, status, sequence);
        KafkaTestClient.send(kafka(), Topics.INCIDENT_EVENTS, incidentId.toString(), event);
        return eventId;
    }

    /** Waits until action-service has taken in the incident with this status. */
    static void awaitKnownIncident(KnownIncidents incidents, UUID incidentId, String status) {
        await().atMost(PATIENCE).until(() -> QuarkusTransaction.requiringNew().call(() -> incidents
                .findByIdOptional(incidentId).map(known -> status.equals(known.status)).orElse(false)));
    }

    /** Waits until action-service has taken in the incident with this severity (a marker that changes nothing else). */
    static void awaitKnownSeverity(KnownIncidents incidents, UUID incidentId, String severity) {
        await().atMost(PATIENCE).until(() -> QuarkusTransaction.requiringNew().call(() -> incidents
                .severity(incidentId).map(severity::equals).orElse(false)));
    }

    /** The id of the incident's one open WASHUP action, once action-service has made it. */
    static String awaitOpenWashupAction(UUID incidentId) {
        return await().atMost(PATIENCE).until(() -> given()
                .queryParam("incidentId", incidentId.toString()).queryParam("status", "OPEN")
                .when().get("/api/actions")
                .then().statusCode(200).extract().<List<String>> path("findAll { it.kind == 'WASHUP' }.id"),
                ids -> ids.size() == 1).get(0);
    }

    static String action(UUID incidentId, String ownerTeam, String scope, String dueAt) {
        return """
                {"incidentId": "%s", "title": "Pool connections through the platform client", "ownerTeam": "%s",
                 "kind": "PREVENT", "scope": "%s", "priority": "P2"%s%s}
                """.formatted(incidentId, ownerTeam, scope,
                "SYSTEMIC".equals(scope) ? ", \"systemicRationale\": \"every service opens its own pool\"" : "",
                dueAt == null ? "" : ", \"dueAt\": \"" + dueAt + "\"");
    }

    /** Creates an action over the API; answers its id. */
    static String create(UUID incidentId, String ownerTeam, String scope, Instant dueAt) {
        return given().contentType(ContentType.JSON)
                .body(action(incidentId, ownerTeam, scope, dueAt == null ? null : dueAt.toString()))
                .when().post("/api/actions")
                .then().statusCode(201).extract().path("id");
    }

    static void move(String actionId, String to) {
        given().contentType(ContentType.JSON).body("{\"to\": \"" + to + "\", \"reason\": \"decided in the washup\"}")
                .when().post("/api/actions/" + actionId + "/transitions")
                .then().statusCode(200);
    }

    static JsonNode json(ConsumerRecord<String, String> record) {
        try {
            return JSON.readTree(record.value());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean is(ConsumerRecord<String, String> record, String type, String actionId) {
        JsonNode event = json(record);
        return type.equals(event.path("type").asText()) && actionId.equals(event.path("actionId").asText());
    }

    /**
     * The incident's action events that match {@code wanted}, up to the ActionCreated of {@code markerActionId}, an
     * action created after everything the test did. One key keeps its order through the outbox and its partition,
     * so everything published before the marker has been read once the marker has: "exactly once" is then a
     * count, not a wait.
     */
    static List<ConsumerRecord<String, String>> eventsBefore(UUID incidentId, String markerActionId,
            Predicate<ConsumerRecord<String, String>> wanted, int expected) {
        return eventsBefore(incidentId, record -> is(record, "ActionCreated", markerActionId), wanted, expected);
    }

    /**
     * As {@link #eventsBefore(UUID, String, Predicate, int)}, up to another {@code marker} of the incident: where no
     * action can be created after the test's events (a FINALISED incident refuses them), an event published after
     * them in the same transaction.
     */
    static List<ConsumerRecord<String, String>> eventsBefore(UUID incidentId,
            Predicate<ConsumerRecord<String, String>> marker, Predicate<ConsumerRecord<String, String>> wanted,
            int expected) {
        Predicate<ConsumerRecord<String, String>> ofIncident = record -> incidentId.toString().equals(record.key());
        List<ConsumerRecord<String, String>> seen = KafkaTestClient.read(kafka(), Topics.ACTION_EVENTS,
                ofIncident.and(wanted.or(marker)), expected + 1, PATIENCE);
        int markerAt = seen.indexOf(seen.stream().filter(marker).findFirst().orElse(null));
        assertTrue(markerAt >= 0,
                "expected " + expected + " events, then the marker; saw " + seen.stream().map(r -> r.value()).toList());
        return seen.subList(0, markerAt);
    }
}
