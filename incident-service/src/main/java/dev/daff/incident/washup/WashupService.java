package dev.daff.incident.washup;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import dev.daff.events.IncidentEvent;
import dev.daff.incident.lifecycle.Incident;
import dev.daff.incident.lifecycle.IncidentEvents;
import dev.daff.incident.lifecycle.Incidents;
import dev.daff.incident.lifecycle.IncidentStatus;
import dev.daff.incident.timeline.Actor;
import dev.daff.incident.timeline.Timeline;
import dev.daff.incident.washup.WashupApi.PutWashup;
import dev.daff.incident.washup.WashupApi.Review;
import dev.daff.incident.washup.WashupApi.ReviewerStatus;
import dev.daff.incident.washup.WashupApi.ReviewerView;
import dev.daff.incident.washup.WashupApi.WashupView;
import dev.daff.kit.json.UnicodeText;
import dev.daff.kit.problem.ProblemException;

/**
 * The washup: a draft anyone working the incident can edit, reviewed only once it answers the questions that stop
 * the class of problem (root cause, one more why, cause class) and the incident is resolved. The review is fired
 * as {@link WashupReviewed} for the rules that follow it.
 */
@ApplicationScoped
public class WashupService {

    private final Incidents incidents;
    private final Causes causes;
    private final Washups washups;
    private final WashupReviewers reviewers;
    private final Timeline timeline;
    private final IncidentEvents events;
    private final Event<WashupReviewed> reviewed;
    private final PastIncidents past;
    private final Clock clock;

    public WashupService(Incidents incidents, Causes causes, Washups washups, WashupReviewers reviewers,
            Timeline timeline, IncidentEvents events, Event<WashupReviewed> reviewed, PastIncidents past, Clock clock) {
        this.incidents = incidents;
        this.causes = causes;
        this.washups = washups;
        this.reviewers = reviewers;
        this.timeline = timeline;
        this.events = events;
        this.reviewed = reviewed;
        this.past = past;
        this.clock = clock;
    }

    @Transactional
    public WashupView putWashup(UUID incidentId, @Valid @NotNull PutWashup request, Actor actor) {
        Incident incident = incidents.requireLocked(incidentId); // before the washup's row, as a review and a reopen
        Washup washup = washups.findByIdOptional(incidentId).orElse(null);
        boolean created = washup == null;
        if (created) {
            washup = new Washup();
            washup.incidentId = incidentId;
            washup.status = WashupStatus.DRAFT;
        } else if (washup.status == WashupStatus.REVIEWED) {
            throw ProblemException.conflict("washup-reviewed", "Washup already reviewed",
                    "The washup was reviewed by " + washup.reviewedBy + " at " + washup.reviewedAt
                            + " and is part of the record now; add what you learned later as a timeline note.");
        } else {
            washup.requireRead(request.version());
        }
        washup.summary = request.summary();
        washup.impact = request.impact();
        washup.trigger = request.trigger();
        washup.rootCause = request.rootCause();
        washup.whys = list(request.whys());
        washup.oneMoreWhy = request.oneMoreWhy();
        washup.wentWell = list(request.wentWell());
        washup.wentWrong = list(request.wentWrong());
        washup.gotLucky = list(request.gotLucky());
        washup.detection = request.detection();
        washup.whyFixDidNotHold = request.whyFixDidNotHold();
        washup.updatedAt = clock.instant();
        washup.updatedBy = actor.name();
        washup.updatedBySubject = actor.subject();
        if (created) {
            washups.persist(washup);
        }
        timeline.record(incident.id, null, Timeline.WASHUP_UPDATED, "FINALISE", actor,
                created ? "Washup draft started" : "Washup draft updated", null);
        washups.flush(); // the answer's version is the one this change stored, for the next PUT to send
        past.judgeRecurrence(incidentId); // its text counts towards similarity
        return view(washup, missing(incident, washup));
    }

    @Transactional
    public WashupView washup(UUID incidentId) {
        Incident incident = incidents.require(incidentId);
        Washup washup = washups.findByIdOptional(incidentId)
                .orElseThrow(() -> ProblemException.notFound("washup of incident", incidentId.toString()));
        return view(washup, missing(incident, washup));
    }

    /**
     * Marks the washup REVIEWED by the caller and announces WashupReviewed, or answers 409 with what is missing.
     * The washup counts as reviewed from this call on; the other reviewers it names are listed as pending until
     * each confirms ({@link #confirmReview}).
     */
    @Transactional
    public WashupView review(UUID incidentId, @Valid Review request, Actor actor) {
        if (request != null && request.reviewedBy() != null) {
            throw ProblemException.invalidField("reviewedBy", "is not accepted: the review is recorded by the caller;"
                    + " name the others in reviewers, and each confirms with their own call (POST /api/incidents/"
                    + incidentId + "/washup/review/confirmations)");
        }
        // Locked first, as transitions lock it: a reopen in flight is waited for and judged, not the RESOLVED before.
        Incident incident = incidents.requireLocked(incidentId);
        Washup washup = washups.findByIdOptional(incidentId).orElse(null);
        if (washup != null && washup.status == WashupStatus.REVIEWED) {
            throw ProblemException.conflict("washup-reviewed", "Washup already reviewed",
                    "The washup was reviewed by " + washup.reviewedBy + " at " + washup.reviewedAt + ".");
        }
        if (washup != null && request != null) {
            washup.requireRead(request.version()); // the review is of the text the reviewer read
        }
        List<String> missing = missing(incident, washup);
        if (!missing.isEmpty()) {
            throw ProblemException.conflict("washup-incomplete", "Washup not ready for review",
                    "Before review: " + String.join("; ", missing.stream().map(m -> explain(m, incident, washup))
                            .toList()) + ".")
                    .with("missing", missing);
        }
        washup.status = WashupStatus.REVIEWED;
        washup.reviewedAt = clock.instant();
        washup.reviewedBy = actor.name();
        washup.reviewedBySubject = actor.subject();
        reviewers.add(incidentId, 0, actor.name(), actor.subject(), washup.reviewedAt);
        List<String> named = request == null || request.reviewers() == null ? List.of()
                : request.reviewers().stream().map(String::strip).distinct().filter(name -> !name.equals(actor.name()))
                        .toList();
        for (int i = 0; i < named.size(); i++) {
            reviewers.add(incidentId, i + 1, named.get(i), null, null);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("reviewedBy", washup.reviewedBy);
        data.put("reviewedBySubject", washup.reviewedBySubject);
        data.put("pendingReviewers", named);
        timeline.record(incident.id, washup.reviewedAt, Timeline.WASHUP_REVIEWED, "FINALISE", actor,
                "Washup reviewed by " + washup.reviewedBy
                        + (named.isEmpty() ? "" : "; named as reviewers, to confirm: " + String.join(", ", named)), data);
        events.publish(IncidentEvent.WASHUP_REVIEWED, incident);
        reviewed.fire(new WashupReviewed(incident.id, washup.reviewedAt));
        return view(washup, List.of());
    }

    /**
     * The caller confirms that they reviewed the washup, as its review named them. Only a person named and not yet
     * confirmed may; the name is matched once, and from then on the reviewer is the caller's subject.
     */
    @Transactional
    public WashupView confirmReview(UUID incidentId, Actor actor) {
        incidents.require(incidentId);
        // Locked: a second confirmation at the same moment (a double click, a client's retry) reads the first's.
        Washup washup = washups.findByIdOptional(incidentId, LockModeType.PESSIMISTIC_WRITE)
                .filter(w -> w.status == WashupStatus.REVIEWED)
                .orElseThrow(() -> ProblemException.conflict("washup-not-reviewed", "Washup not reviewed",
                        "Nobody has reviewed this washup yet (POST /api/incidents/" + incidentId + "/washup/review)."));
        List<WashupReviewer> named = reviewers.of(incidentId);
        if (named.stream().anyMatch(r -> actor.is(r.subject))) {
            throw ProblemException.conflict("review-already-confirmed", "Already confirmed",
                    "You are on this washup's review already.");
        }
        WashupReviewer reviewer = named.stream().filter(r -> !r.confirmed() && r.name.equals(actor.name())).findFirst()
                .orElseThrow(() -> new ProblemException(403, "not-a-named-reviewer", "Not named as a reviewer",
                        "Only the people the review names confirm it, each with their own token; it does not name "
                                + actor.name() + "."));
        reviewer.subject = actor.subject();
        reviewer.confirmedAt = clock.instant();
        timeline.record(incidentId, reviewer.confirmedAt, Timeline.WASHUP_REVIEW_CONFIRMED, "FINALISE", actor,
                "Washup review confirmed by " + actor.name(), Map.of("reviewer", actor.name(), "subject", actor.subject()));
        return view(washup, List.of());
    }

    /**
     * What stands between a washup and its review, as field names: status, washup, rootCause, oneMoreWhy,
     * cause.class, and for a recurrence, or a washup a reopen sent back to draft, whyFixDidNotHold.
     */
    List<String> missing(Incident incident, Washup washup) {
        List<String> missing = new ArrayList<>();
        if (incident.status != IncidentStatus.RESOLVED) {
            missing.add("status");
        }
        if (washup == null) {
            missing.add("washup");
        }
        if (washup == null || UnicodeText.blank(washup.rootCause)) {
            missing.add("rootCause");
        }
        if (washup == null || UnicodeText.blank(washup.oneMoreWhy)) {
            missing.add("oneMoreWhy");
        }
        if (causes.findByIdOptional(incident.id).isEmpty()) {
            missing.add("cause.class");
        }
        if ((washup == null || UnicodeText.blank(washup.whyFixDidNotHold))
                && (washup != null && washup.reopenedAt != null || past.recurrenceOf(incident.id).isPresent())) {
            missing.add("whyFixDidNotHold");
        }
        return missing;
    }

    private static String explain(String missing, Incident incident, Washup washup) {
        return switch (missing) {
            case "status" -> "the incident must be RESOLVED (it is " + incident.status + ")";
            case "washup" -> "write the washup (PUT .../washup)";
            case "rootCause" -> "set rootCause";
            case "oneMoreWhy" -> "answer one more why: why is the code like this, and should it be here?";
            case "cause.class" -> "set the cause class (PUT .../cause)";
            case "whyFixDidNotHold" -> washup != null && washup.reopenedAt != null
                    ? "say why the fix did not hold: the incident was reopened after its washup was reviewed (whyFixDidNotHold)"
                    : "say why the earlier incident's systemic fix did not hold (whyFixDidNotHold)";
            default -> missing;
        };
    }

    private static List<String> list(List<String> items) {
        return items == null ? new ArrayList<>() : new ArrayList<>(items);
    }

    WashupView view(Washup w, List<String> missing) {
        List<ReviewerView> named = w.status != WashupStatus.REVIEWED ? List.of()
                : reviewers.of(w.incidentId).stream().map(r -> new ReviewerView(r.name, r.subject,
                        r.confirmed() ? ReviewerStatus.CONFIRMED : ReviewerStatus.PENDING, r.confirmedAt)).toList();
        return new WashupView(w.incidentId, w.version, w.status, w.summary, w.impact, w.trigger, w.rootCause,
                List.copyOf(w.whys), w.oneMoreWhy, List.copyOf(w.wentWell), List.copyOf(w.wentWrong),
                List.copyOf(w.gotLucky), w.detection, w.whyFixDidNotHold, w.updatedAt, w.updatedBy, w.updatedBySubject,
                w.reviewedAt, w.reviewedBy, w.reviewedBySubject, named,
                w.status == WashupStatus.REVIEWED ? List.of() : missing, past.recurrenceOf(w.incidentId).orElse(null),
                past.topSimilar(w.incidentId));
    }
}
