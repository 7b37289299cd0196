package dev.daff.incident.changes;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import dev.daff.incident.lifecycle.IncidentApi;
import dev.daff.kit.http.OutboundAddresses;
import dev.daff.kit.json.Written;

/** What the service catalog and change APIs read and write. */
public final class ChangesApi {

    /** Catalog service names: what CI/CD pipelines and incidents use, so kept to URL- and label-safe characters. */
    public static final String SERVICE_NAME = "[A-Za-z0-9][A-Za-z0-9._-]{0,99}";

    private ChangesApi() {
    }

    /** {@code shared: true} marks a platform everything runs on (see {@link DependencyGraph#sharedPlatforms()}). */
    public record PutService(
            @NotBlank @Pattern(regexp = IncidentApi.TEAM, message = IncidentApi.TEAM_MESSAGE) String team,
            @Size(max = 100) List<@NotBlank @Size(max = 100) String> dependsOn,
            Boolean shared,
            @Size(max = 1000) String rollbackHook) {
    }

    public record ServiceView(String name, String team, List<String> dependsOn, List<String> dependents, boolean shared,
            boolean sharedPlatform, String rollbackHook, Instant updatedAt, String updatedBy, String updatedBySubject) {

        /** As a reader who is not an admin sees it: the hook's scheme and host (its path or query may be its key). */
        public ServiceView hookMasked() {
            return rollbackHook == null ? this : new ServiceView(name, team, dependsOn, dependents, shared, sharedPlatform,
                    OutboundAddresses.origin(rollbackHook), updatedAt, updatedBy, updatedBySubject);
        }
    }

    /** What a fired rollback hook answered: its HTTP status, or why there was none. */
    public record RollbackFired(UUID incidentId, UUID changeId, String service, String ref, String hook,
            Integer status, String outcome, Instant at, String by) {

        /** As a responder who is not an admin sees it, as {@link ServiceView#hookMasked}. */
        public RollbackFired hookMasked() {
            return new RollbackFired(incidentId, changeId, service, ref, OutboundAddresses.origin(hook), status, outcome, at, by);
        }
    }

    public record NewChange(
            @NotBlank @Size(max = 100) String service,
            @NotNull ChangeKind kind,
            @Written @Size(max = 2000) String summary,
            @Written @Size(max = 200) String author,
            @NotNull Instant startedAt,
            Instant endedAt,
            @Size(max = 500) String ref,
            @NotBlank @Size(max = 50) @Pattern(regexp = "[A-Za-z0-9._-]+") String environment,
            @Size(max = 1000) @Pattern(regexp = "https?://\\S+", message = "must be an http(s) URL") String rollbackUrl) {

        /** The same change, its service spelt {@code service} (as the catalog spells it). */
        public NewChange withService(String service) {
            return new NewChange(service, kind, summary, author, startedAt, endedAt, ref, environment, rollbackUrl);
        }
    }

    public record ChangeView(UUID id, String service, ChangeKind kind, String summary, String author, Instant startedAt,
            Instant endedAt, String ref, String environment, Instant recordedAt, String recordedBy,
            String recordedBySubject, String rollbackUrl) {
    }

    /**
     * What to undo when a linked change CAUSED or CONTRIBUTED to the incident: "roll back v42 on checkout (changed
     * DEPLOY 2 h 5 min before impact)", with the change's {@code rollbackUrl} when it carried one.
     */
    public record RollbackAdvice(UUID changeId, LinkRole linkedAs, String service, String ref, String text,
            String rollbackUrl) {
    }

    /** A change to a related service close in time to another: one more axis of change at once. */
    public record ConcurrentChange(ChangeView change, Relatedness.Relation relation, String reason) {
    }

    /**
     * A change as stored, and the changes concurrent with it: the most related first, at most
     * {@code daff.changes.concurrent-limit} of them; {@code concurrentTotal} counts them all.
     */
    public record Registered(ChangeView change, List<ConcurrentChange> concurrentChanges, int concurrentTotal) {
    }

    public record RelatedChange(ChangeView change, Relatedness.Relation relation, String relatedTo, int hops,
            String reason, LinkRole linkedAs) {
    }

    /**
     * "What changed?" for one incident: the window searched ({@code lookback} as an ISO-8601 duration) and the
     * changes found, most suspicious first. {@code clamped}: the search stopped at {@code until}, the longest it
     * runs after impact, before resolution (or now). {@code total} ranked changes were found; {@code changes} is
     * the page of them after the request's cursor, and {@code nextCursor} continues (null on the last page).
     */
    public record WhatChanged(UUID incidentId, List<String> services, Instant impactAt, String impactFrom,
            String lookback, Instant from, Instant until, boolean clamped, int total, List<RelatedChange> changes,
            String nextCursor, List<RollbackAdvice> rollback) {
    }

    public record LinkChange(@NotNull LinkRole role) {
    }

    public record LinkView(UUID incidentId, UUID changeId, LinkRole role, Instant linkedAt, String linkedBy,
            String linkedBySubject, ChangeView change) {
    }
}
