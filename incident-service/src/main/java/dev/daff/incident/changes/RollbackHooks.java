package dev.daff.incident.changes;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.incident.changes.ChangesApi.RollbackFired;
import dev.daff.incident.lifecycle.Incidents;
import dev.daff.incident.timeline.Actor;
import dev.daff.incident.timeline.Timeline;
import dev.daff.kit.http.BoundedExchange;
import dev.daff.kit.http.NetworkFailures;
import dev.daff.kit.http.OutboundAddresses;
import dev.daff.kit.problem.ProblemException;
import dev.daff.kit.problem.TransientFailures;
import dev.daff.kit.security.WebhookSignature;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Fires a service's rollback hook for a change linked to an incident as CAUSED or CONTRIBUTED — only when a responder
 * asks, never by itself: a signed POST ({@link WebhookSignature}, the {@code daff.changes.rollback-signing-secret})
 * to the URL the catalog holds for the changed service, with no redirects and a deadline
 * ({@code daff.changes.rollback-hook-deadline}), outside any
 * transaction. Whatever it answers (or that it did not) goes on the incident's timeline.
 */
@ApplicationScoped
public class RollbackHooks {

    private static final Logger LOG = Logger.getLogger(RollbackHooks.class);
    /** Tries at recording a fired hook's answer: about 12 s in all, pauses from 0.25 s doubling to 4 s. */
    private static final int RECORD_TRIES = 7;

    private final Incidents incidents;
    private final Changes changes;
    private final IncidentChanges links;
    private final Catalog catalog;
    private final Timeline timeline;
    private final ChangeConfig config;
    private final ObjectMapper json;
    private final Clock clock;
    private final OutboundAddresses outbound;
    private final Duration deadline;
    private final HttpClient http;

    public RollbackHooks(Incidents incidents, Changes changes, IncidentChanges links, Catalog catalog, Timeline timeline,
            ChangeConfig config, ObjectMapper json, Clock clock, HookLookup hookLookup) {
        this.incidents = incidents;
        this.changes = changes;
        this.links = links;
        this.catalog = catalog;
        this.timeline = timeline;
        this.config = config;
        this.json = json;
        this.clock = clock;
        this.outbound = config.rollbackHookAddresses(hookLookup);
        this.deadline = config.rollbackHookDeadline();
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(deadline).build();
    }

    public RollbackFired fire(UUID incidentId, UUID changeId, Actor actor) {
        String secret = config.rollbackSigningSecret().filter(s -> !s.isBlank()).orElseThrow(() -> ProblemException.conflict(
                "rollback-hooks-off", "Rollback hooks are off", "No daff.changes.rollback-signing-secret is configured."));
        Target target = QuarkusTransaction.requiringNew().call(() -> target(incidentId, changeId));
        Optional<String> refused;
        try {
            refused = outbound.refusal(target.hook(), deadline);
        } catch (OutboundAddresses.LookupTimedOut e) {
            throw ProblemException.unavailable("rollback-hook-unresolved", "Rollback hook did not resolve",
                    "The hook's " + e.getMessage() + "; nothing was sent. Try again.", 5);
        }
        refused.ifPresent(why -> {
            throw ProblemException.conflict("rollback-hook-refused", "Rollback hook refused", "The hook " + why + ".");
        });
        Instant at = clock.instant();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "RollbackRequested");
        body.put("incidentId", incidentId);
        body.put("changeId", changeId);
        body.put("service", target.change().service);
        body.put("kind", target.change().kind);
        body.put("ref", target.change().ref);
        body.put("environment", target.change().environment);
        body.put("requestedBy", actor.name());
        body.put("requestedAt", at);
        byte[] payload = write(body);
        Integer status = null;
        String outcome;
        // A deadline of its own, after the name's: cut short by a slow lookup, a send the hook took would be recorded
        // as "did not answer", and the responder would fire it again.
        long begin = System.nanoTime();
        try {
            HttpResponse<Void> answer = BoundedExchange.send(http, HttpRequest.newBuilder(URI.create(target.hook()))
                    .timeout(deadline).header("Content-Type", "application/json")
                    .header(WebhookSignature.HEADER, WebhookSignature.sign(secret, payload))
                    .header(WebhookSignature.TIMESTAMPED_HEADER, WebhookSignature.signTimestamped(secret, payload, at))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(payload)).build(), begin, deadline);
            status = answer.statusCode();
            outcome = status / 100 == 2 ? "answered " + status : "refused with " + status;
        } catch (TimeoutException e) {
            outcome = "did not answer (" + NetworkFailures.category(e) + ")";
        } catch (ExecutionException e) {
            // A category, never the exception's class: the timeline and the washup are read by every viewer.
            String category = NetworkFailures.category(e.getCause());
            outcome = "did not answer (" + (category == null ? "connection failed" : category) + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = "was interrupted";
        }
        String text = "Rollback of " + (target.change().ref == null ? "the " + target.change().kind + " change" : target.change().ref)
                + " on " + target.change().service + " requested: the hook " + outcome;
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("changeId", changeId.toString());
        data.put("service", target.change().service);
        data.put("status", status);
        // The hook has fired: a failure to record it now would answer 503 and the responder would fire it again.
        TransientFailures.retried(() -> QuarkusTransaction.requiringNew().run(() -> timeline.record(incidentId, at,
                Timeline.ROLLBACK_REQUESTED, "FIX", actor, text, data)), RECORD_TRIES, Duration.ofSeconds(4),
                e -> LOG.warnf("incident %s: the rollback hook's answer not recorded yet, trying again: %s", incidentId,
                        e.toString()));
        return new RollbackFired(incidentId, changeId, target.change().service, target.change().ref, target.hook(), status,
                outcome, at, actor.name());
    }

    private record Target(Change change, String hook) {
    }

    private Target target(UUID incidentId, UUID changeId) {
        incidents.require(incidentId);
        Optional<IncidentChange> link = links.findByIdOptional(new IncidentChange.Key(incidentId, changeId));
        if (link.isEmpty()) {
            throw ProblemException.conflict("change-not-linked", "Change not linked",
                    "Link the change to the incident as CAUSED or CONTRIBUTED before rolling it back.");
        }
        Change change = changes.findByIdOptional(changeId).orElseThrow(() -> ProblemException.notFound("change", changeId.toString()));
        String hook = catalog.findByIdOptional(change.service).map(entry -> entry.rollbackHook).orElse(null);
        if (hook == null) {
            throw ProblemException.conflict("no-rollback-hook", "No rollback hook",
                    "The catalog holds no rollbackHook for " + change.service + ".");
        }
        return new Target(change, hook);
    }

    private byte[] write(Map<String, Object> body) {
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a rollback request cannot be written as JSON", e);
        }
    }
}
