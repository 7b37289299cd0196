package dev.daff.incident.deploygate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.incident.changes.ChangeKind;
import dev.daff.incident.changes.Changes;
import dev.daff.incident.lifecycle.ServiceNames;
import dev.daff.incident.deploygate.DeployGateApi.DecisionRequest;
import dev.daff.incident.deploygate.DeployGateApi.DecisionView;
import dev.daff.incident.deploygate.DeployGateApi.OverrideView;
import dev.daff.incident.deploygate.DeployGateApi.ReasonView;
import dev.daff.incident.timeline.Actor;
import dev.daff.kit.problem.ProblemException;

/** Answers "may I deploy now?", keeps every answer, and records an admin's override. */
@ApplicationScoped
public class DeployGate {

    /** How long after a decision a change with its service and ref is taken to be the change it was asked for. */
    static final Duration LINK_WITHIN = Duration.ofHours(24);
    private static final TypeReference<List<ReasonView>> REASONS = new TypeReference<>() {
    };

    private final GateFacts facts;
    private final DeployGateConfig config;
    private final DeployDecisions decisions;
    private final Changes changes;
    private final ObjectMapper json;
    private final Clock clock;

    public DeployGate(GateFacts facts, DeployGateConfig config, DeployDecisions decisions, Changes changes,
            ObjectMapper json, Clock clock) {
        this.facts = facts;
        this.config = config;
        this.decisions = decisions;
        this.changes = changes;
        this.json = json;
        this.clock = clock;
    }

    @Transactional
    public DecisionView decide(DecisionRequest request, Actor actor) {
        if (request == null) {
            throw ProblemException.badRequest("A body with service, environment and kind is required.");
        }
        String service = facts.spelling(required("service", ServiceNames.tidy(request.service()), 200));
        String environment = required("environment", ServiceNames.tidy(request.environment()), 100);
        String kind = kind(request.kind());
        Optional<String> ref = optional("ref", request.ref());
        Optional<String> author = optional("author", request.author());
        Instant now = clock.instant();
        GateRule.Decision decision = GateRule.decide(facts.gather(service, environment, kind, now),
                config.limits(environment));
        DeployDecision stored = new DeployDecision();
        stored.id = UUID.randomUUID();
        stored.service = service;
        stored.environment = environment;
        stored.kind = kind;
        stored.ref = ref.orElse(null);
        stored.author = author.orElse(null);
        stored.decision = decision.decision().name();
        List<ReasonView> reasons = decision.reasons().stream()
                .map(reason -> new ReasonView(reason.code(), reason.severity().name(), reason.text(), reason.subject()))
                .toList();
        stored.reasons = write(reasons);
        stored.checkedAt = now;
        stored.requestedBy = actor.name();
        stored.requestedBySubject = actor.subject();
        if (decision.decision() != GateRule.Verdict.ALLOW && stored.ref != null) {
            // An admin who overrode the gate for this very change (service, environment, ref) is not asked again
            // when the pipeline re-runs; the override is copied onto the new decision, so it is on record there too.
            // It covers the reasons the admin saw, each by what it is about: another freeze, incident or SLO that
            // came after, even with the same code, is asked about anew. Any override of the change counts, not only
            // the newest: one given for a freeze since lifted must not hide an earlier one for what blocks again now.
            decisions.overridesOf(service, environment, stored.ref, now.minus(LINK_WITHIN)).stream()
                    .filter(earlier -> blocking(read(earlier.reasons)).containsAll(blocking(reasons)))
                    .findFirst()
                    .ifPresent(earlier -> {
                        stored.overriddenAt = earlier.overriddenAt;
                        stored.overriddenBy = earlier.overriddenBy;
                        stored.overriddenBySubject = earlier.overriddenBySubject;
                        stored.overrideReason = earlier.overrideReason;
                    });
        }
        decisions.persist(stored);
        // The pipeline posts its change after this answer: no change can be linked to the decision yet.
        return view(stored, null);
    }

    @Transactional
    public List<DecisionView> list(String service, int limit) {
        String spelled = service == null ? null : facts.spelling(ServiceNames.tidy(service));
        List<DeployDecision> newest = decisions.newest(spelled, limit);
        List<UUID> linked = linkedChanges(newest);
        return IntStream.range(0, newest.size()).mapToObj(i -> view(newest.get(i), linked.get(i))).toList();
    }

    @Transactional
    public DecisionView get(UUID id) {
        DeployDecision decision = decisions.findByIdOptional(id)
                .orElseThrow(() -> ProblemException.notFound("deploy decision", id.toString()));
        return view(decision, linkedChanges(List.of(decision)).get(0));
    }

    /** An admin ships despite a WARN or BLOCK: recorded with who and why, once. */
    @Transactional
    public DecisionView override(UUID id, String reason, Actor actor) {
        // Locked: of two admins overriding at once, the second reads the first's override and is told, not let replace it.
        DeployDecision decision = decisions.findByIdOptional(id, LockModeType.PESSIMISTIC_WRITE)
                .orElseThrow(() -> ProblemException.notFound("deploy decision", id.toString()));
        String why = required("reason", reason, 2000);
        if (decision.overriddenAt != null) {
            throw ProblemException.conflict("already-overridden", "Already overridden",
                    "This decision was overridden by " + decision.overriddenBy + " at " + decision.overriddenAt + ".");
        }
        if (GateRule.Verdict.valueOf(decision.decision) == GateRule.Verdict.ALLOW) {
            throw ProblemException.conflict("nothing-to-override", "Nothing to override", "The gate allowed this change.");
        }
        decision.overriddenAt = clock.instant();
        decision.overriddenBy = actor.name();
        decision.overriddenBySubject = actor.subject();
        decision.overrideReason = why;
        return view(decision, linkedChanges(List.of(decision)).get(0));
    }

    private DecisionView view(DeployDecision decision, UUID linkedChange) {
        OverrideView override = decision.overriddenAt == null ? null
                : new OverrideView(decision.overriddenAt, decision.overriddenBy, decision.overrideReason);
        return new DecisionView(decision.id, decision.service, decision.environment, decision.kind, decision.ref,
                decision.author, decision.decision, override == null ? decision.decision : GateRule.Verdict.ALLOW.name(),
                read(decision.reasons), decision.checkedAt, decision.requestedBy, override, linkedChange);
    }

    /** For each decision, the change posted for its service and ref within a day after it, if any. */
    private List<UUID> linkedChanges(List<DeployDecision> decided) {
        return changes.firstRecorded(decided.stream()
                .map(decision -> new Changes.Asked(decision.service, decision.ref, decision.checkedAt)).toList(),
                LINK_WITHIN);
    }

    private static String kind(String kind) {
        String value = required("kind", kind, 30);
        try {
            return ChangeKind.valueOf(value).name();
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidField("kind", "must be one of " + Arrays.toString(ChangeKind.values()));
        }
    }

    static String required(String field, String value, int maxLength) {
        if (value == null || value.isBlank()) {
            throw ProblemException.invalidField(field, "is required");
        }
        if (value.length() > maxLength) {
            throw ProblemException.invalidField(field, "must be at most " + maxLength + " characters");
        }
        return value.strip();
    }

    private static Optional<String> optional(String field, String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(required(field, value, 200));
    }

    /**
     * The blocking reasons by code and subject (a reason stored without a subject matches none), a freeze by what it
     * says too: replaced under its id (a PUT of a wider freeze with another reason), it is not the freeze the admin
     * saw, and the override had followed the id.
     */
    private static Set<String> blocking(List<ReasonView> reasons) {
        return reasons.stream().filter(reason -> GateRule.Verdict.BLOCK.name().equals(reason.severity()))
                .map(reason -> reason.code() + "\n" + reason.subject()
                        + ("FREEZE".equals(reason.code()) ? "\n" + reason.text() : ""))
                .collect(Collectors.toSet());
    }

    private String write(List<ReasonView> reasons) {
        try {
            return json.writeValueAsString(reasons);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("reasons cannot be written as JSON", e);
        }
    }

    private List<ReasonView> read(String reasons) {
        try {
            return json.readValue(reasons, REASONS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored reasons cannot be read", e);
        }
    }
}
