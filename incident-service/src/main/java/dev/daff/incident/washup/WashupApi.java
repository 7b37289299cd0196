package dev.daff.incident.washup;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.daff.kit.json.Written;

/** What the cause and washup APIs read and write. */
public final class WashupApi {

    private WashupApi() {
    }

    public record SetCause(
            @JsonProperty("class") @NotNull CauseClass causeClass,
            @Size(max = 8) List<@NotNull Seam> seams,
            @Size(max = 4000) String summary) {
    }

    public record CauseView(UUID incidentId, @JsonProperty("class") CauseClass causeClass, List<Seam> seams,
            String summary, Instant setAt, String setBy, String setBySubject) {
    }

    /**
     * The whole washup text; a PUT replaces it (absent fields become empty). {@code version}, the one last read, makes
     * the PUT 409 when someone else changed the washup since. The fields only an answer has ({@link WashupView}'s)
     * are passed over, so a washup read can be edited and PUT back whole; any other key is a 400.
     */
    @JsonIgnoreProperties({ "incidentId", "status", "updatedAt", "updatedBy", "updatedBySubject", "reviewedAt",
            "reviewedBy", "reviewedBySubject", "reviewers", "missingForReview", "recurrenceOf", "similar" })
    public record PutWashup(
            Long version,
            @Size(max = 4000) String summary,
            @Size(max = 4000) String impact,
            @Size(max = 4000) String trigger,
            @Size(max = 4000) String rootCause,
            @Size(max = 20) List<@Written @Size(max = 4000) String> whys,
            @Size(max = 4000) String oneMoreWhy,
            @Size(max = 50) List<@Written @Size(max = 4000) String> wentWell,
            @Size(max = 50) List<@Written @Size(max = 4000) String> wentWrong,
            @Size(max = 50) List<@Written @Size(max = 4000) String> gotLucky,
            @Size(max = 4000) String detection,
            @Size(max = 4000) String whyFixDidNotHold) {
    }

    /**
     * The review is recorded by the token's user. {@code reviewers} names the others who reviewed it (their
     * {@code preferred_username}s); each is listed as pending until they confirm with their own call.
     * {@code reviewedBy} is read only to refuse it: nobody is recorded as a reviewer from free text any more.
     * {@code version}, the washup's as the reviewer read it, makes the review 409 when the text changed since.
     */
    public record Review(@Size(max = 20) List<@NotBlank @Size(max = 200) String> reviewers, String reviewedBy,
            Long version) {
    }

    /** Whether a named reviewer has confirmed with their own token. */
    public enum ReviewerStatus {
        CONFIRMED, PENDING
    }

    /** A reviewer: the display name, and once confirmed, who they are ({@code subject}) and when. */
    public record ReviewerView(String name, String subject, ReviewerStatus status, Instant confirmedAt) {
    }

    /**
     * A washup and, while it is a draft, what still stands between it and review. {@code reviewedBy} is who
     * recorded the review; {@code reviewers} lists everyone the review names, that person first. For a recurrence,
     * {@code recurrenceOf} names the earlier incident and its done SYSTEMIC fix, and {@code whyFixDidNotHold} is
     * asked for; {@code similar} lists the earlier incidents most like this one.
     */
    public record WashupView(UUID incidentId, long version, WashupStatus status, String summary, String impact, String trigger,
            String rootCause, List<String> whys, String oneMoreWhy, List<String> wentWell, List<String> wentWrong,
            List<String> gotLucky, String detection, String whyFixDidNotHold, Instant updatedAt, String updatedBy,
            String updatedBySubject, Instant reviewedAt, String reviewedBy, String reviewedBySubject,
            List<ReviewerView> reviewers, List<String> missingForReview, PastIncidents.Recurrence recurrenceOf,
            List<PastIncidents.SimilarIncident> similar) {
    }
}
