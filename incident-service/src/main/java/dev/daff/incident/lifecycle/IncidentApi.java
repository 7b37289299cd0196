package dev.daff.incident.lifecycle;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.databind.JsonNode;

import dev.daff.kit.json.Written;

/** What the incident API reads and writes. */
public final class IncidentApi {

    private IncidentApi() {
    }

    /**
     * A team as slo-service names teams (its lower-case handle): the incident's WASHUP action is owned by it, and an
     * action's reminders go to the team of that name; "Payments" would be stored and reminded nobody.
     */
    public static final String TEAM = "[a-z0-9][a-z0-9._-]{0,99}";
    public static final String TEAM_MESSAGE = "must be the team's lower-case handle (a-z, 0-9, '.', '_', '-'), as its"
            + " on-call team is named";

    public record OpenIncident(
            @Written @Size(max = 200) String title,
            @Size(max = 4000) String summary,
            @NotNull Severity severity,
            @NotEmpty @Size(max = 20) List<@NotBlank @Size(max = 100) String> services,
            @NotBlank @Pattern(regexp = TEAM, message = TEAM_MESSAGE) String team,
            Instant impactStartedAt,
            Instant detectedAt,
            @NotNull DetectionSource detectionSource) {

        /** Services tidied before they are validated: " " is blank, and "Checkout" beside "checkout" is one. */
        public OpenIncident {
            services = ServiceNames.tidy(services);
        }
    }

    /** A partial update: absent fields stay as they are. {@code version} must be the one the client read. */
    public record PatchIncident(
            @NotNull Long version,
            @Written(absentAllowed = true) @Size(max = 200) String title,
            @Size(max = 4000) String summary,
            Severity severity,
            @Size(min = 1, max = 20) List<@NotBlank @Size(max = 100) String> services,
            @Pattern(regexp = TEAM, message = TEAM_MESSAGE) String team,
            Instant impactStartedAt,
            Instant detectedAt) {

        public PatchIncident {
            services = ServiceNames.tidy(services);
        }
    }

    public record Transition(@NotNull IncidentStatus to, @Size(max = 4000) String note) {
    }

    public record RoleAssignment(@NotBlank @Size(max = 200) String handle) {
    }

    public record Note(Instant at, @NotNull Phase phase, @Written @Size(max = 4000) String text) {
    }

    public enum Phase {
        DISCOVER, ANALYSE, FIX, FINALISE
    }

    public enum Role {
        COMMANDER, SCRIBE, LIAISON
    }

    public record IncidentView(
            UUID id,
            String title,
            String summary,
            Severity severity,
            IncidentStatus status,
            List<IncidentStatus> allowedNext,
            List<String> services,
            String team,
            DetectionSource detectionSource,
            Instant impactStartedAt,
            Instant detectedAt,
            Instant acknowledgedAt,
            Instant identifiedAt,
            Instant resolvedAt,
            Instant finalisedAt,
            long version,
            /** RESOLVED and the finalisation gate would let it be FINALISED now (see .../finalisation). */
            boolean finalisable) {
    }

    /** {@code actor} is the display name; {@code actorSubject} who it was ({@code sub}), null for daff's own entries. */
    public record TimelineView(Long id, Instant at, String kind, String phase, String actor, String actorSubject, String text,
            JsonNode data) {
    }

    /**
     * A page of a list with its total. {@code nextCursor} continues after {@code items} (null on the last page);
     * {@code page} echoes the page-number paging that older clients use (0 when they page by cursor).
     */
    public record Page<T>(List<T> items, int page, int size, long total, String nextCursor) {
    }
}
