package dev.daff.incident.changes;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.events.ChangeEvent;
import dev.daff.incident.changes.ChangesApi.NewChange;
import dev.daff.kit.inbox.ProcessedEvents;
import dev.daff.kit.problem.ProblemException;
import io.smallrye.common.annotation.Blocking;

/**
 * Change events from CI/CD on {@code daff.change-events}, stored as if posted to {@code /api/changes}. A change
 * that would be refused over HTTP fails here too, and the failure strategy sends it to the dead-letter topic
 * (reason in the {@code dead-letter-reason} header) while consumption goes on. A redelivered record is
 * recognised by its content (change events carry no id) and stored once.
 */
@ApplicationScoped
public class ChangeEventsConsumer {

    public static final String CHANNEL = "change-events";
    static final String CONSUMER = "incident-service/change-events";
    static final String ACTOR = "daff-change-events";

    private final ChangeService changes;
    private final ProcessedEvents processed;
    private final ObjectMapper json;

    public ChangeEventsConsumer(ChangeService changes, ProcessedEvents processed, ObjectMapper json) {
        this.changes = changes;
        this.processed = processed;
        this.json = json;
    }

    @Incoming(CHANNEL)
    @Blocking
    @Transactional
    public void on(String payload) throws JsonProcessingException {
        ChangeEvent event = json.readValue(payload, ChangeEvent.class);
        NewChange change = new NewChange(event.service(), kind(event.kind()), event.summary(), event.author(),
                event.startedAt(), event.endedAt(), event.ref(), event.environment());
        String identity = String.join("\u0000", String.valueOf(event.service()), String.valueOf(event.kind()),
                String.valueOf(event.startedAt()), String.valueOf(event.endedAt()), String.valueOf(event.ref()),
                String.valueOf(event.environment()), String.valueOf(event.summary()));
        if (!processed.firstDelivery(CONSUMER, UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8)).toString())) {
            return;
        }
        changes.register(change, ACTOR);
    }

    private static ChangeKind kind(String kind) {
        try {
            return kind == null ? null : ChangeKind.valueOf(kind);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidField("kind", "cannot be '" + kind + "'; one of " + List.of(ChangeKind.values()));
        }
    }
}
