package dev.daff.incident.washup;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.daff.incident.actions.ActionCounts;
import dev.daff.incident.changes.ChangesApi.LinkView;
import dev.daff.incident.changes.ChangesApi.RelatedChange;
import dev.daff.incident.changes.Relatedness;
import dev.daff.incident.lifecycle.Incident;
import dev.daff.incident.timeline.TimelineEntry;
import dev.daff.incident.washup.PastIncidents.Recurrence;
import dev.daff.incident.washup.PastIncidents.SimilarIncident;
import dev.daff.incident.washup.WashupApi.CauseView;
import dev.daff.incident.washup.WashupApi.ReviewerStatus;
import dev.daff.incident.washup.WashupApi.ReviewerView;
import dev.daff.incident.washup.WashupApi.WashupView;

/**
 * Renders an incident's whole record as Markdown a team can paste into its wiki. Plain logic, no framework.
 * Everything people or other systems wrote (titles, summaries, notes, names, change summaries and refs) goes
 * through {@link #text} or {@link #block}, so it reads as the words it is: never as HTML, a link, emphasis or a
 * heading, whatever characters it holds.
 */
final class WashupMarkdown {

    /** "What changed?" can be long; the document keeps the most suspicious ones. */
    static final int CHANGES_SHOWN = 10;

    private final StringBuilder out = new StringBuilder();

    String render(Incident incident, List<TimelineEntry> timeline, CauseView cause, WashupView washup,
            List<LinkView> linked, List<RelatedChange> around, ActionCounts actions, Recurrence recurrence,
            List<SimilarIncident> similar) {
        line("# " + incident.severity + ": " + text(incident.title));
        line("");
        line("- **Status:** " + incident.status + (washup == null ? "" : ", washup " + washup.status()
                + (washup.reviewedBy() == null ? "" : " by " + text(washup.reviewedBy()) + " at " + washup.reviewedAt())
                + otherReviewers(washup.reviewers())));
        line("- **Services:** " + String.join(", ", incident.services.stream().map(WashupMarkdown::text).toList()));
        line("- **Team:** " + text(incident.team));
        line("- **Detected by:** " + incident.detectionSource);
        line("- **Incident id:** `" + incident.id + "`");
        if (incident.summary != null && !incident.summary.isBlank()) {
            line("");
            line(block(incident.summary));
        }

        section("Milestones");
        milestone("Impact started", incident.impactStartedAt, null);
        Instant start = incident.impactStartedAt != null ? incident.impactStartedAt : incident.detectedAt;
        milestone("Detected", incident.detectedAt, incident.impactStartedAt);
        milestone("Acknowledged", incident.acknowledgedAt, incident.detectedAt);
        milestone("Identified", incident.identifiedAt, start);
        milestone("Resolved", incident.resolvedAt, start);
        milestone("Finalised", incident.finalisedAt, incident.resolvedAt);

        section("Cause");
        if (cause == null) {
            line("_Not set yet._");
        } else {
            line("- **Class:** " + cause.causeClass());
            line("- **Seams:** " + (cause.seams().isEmpty() ? "none named"
                    : String.join(", ", cause.seams().stream().map(Seam::name).toList())));
            if (cause.summary() != null && !cause.summary().isBlank()) {
                line("- **Summary:** " + text(cause.summary()));
            }
        }

        section("Changes");
        if (linked.isEmpty()) {
            line("No change has been linked to this incident.");
        }
        for (LinkView link : linked) {
            line("- **" + link.role() + ":** " + link.change().kind() + " on " + text(link.change().service()) + ": "
                    + text(link.change().summary()) + " (" + link.change().startedAt()
                    + (link.change().ref() == null ? "" : ", " + MarkdownEscape.code(link.change().ref())) + ")");
        }
        if (!around.isEmpty()) {
            line("");
            line("What changed around the impact (most suspicious first):");
            line("");
            around.stream().limit(CHANGES_SHOWN)
                    .forEach(c -> line("- " + text(c.reason()) + ": " + text(c.change().summary())));
            if (around.size() > CHANGES_SHOWN) {
                line("- … and " + (around.size() - CHANGES_SHOWN) + " more (GET /api/incidents/" + incident.id + "/changes)");
            }
        }

        section("Washup");
        if (washup == null) {
            line("_Not written yet._");
        } else {
            paragraph("Summary", washup.summary());
            paragraph("Impact", washup.impact());
            paragraph("Trigger", washup.trigger());
            paragraph("Root cause", washup.rootCause());
            numbered("Whys", washup.whys());
            paragraph("One more why: why is the code like this, and should it be here?", washup.oneMoreWhy());
            bullets("What went well", washup.wentWell());
            bullets("What went wrong", washup.wentWrong());
            bullets("Where we got lucky", washup.gotLucky());
            paragraph("Detection", washup.detection());
            paragraph("Why the earlier fix did not hold", washup.whyFixDidNotHold());
            if (!washup.missingForReview().isEmpty()) {
                line("");
                line("_Missing before review: " + String.join(", ", washup.missingForReview()) + "._");
            }
        }

        section("Similar earlier incidents");
        if (recurrence != null) {
            line("**A recurrence:** like " + text(recurrence.earlierTitle()) + " (`" + recurrence.earlierIncidentId()
                    + "`), whose systemic fix " + text(recurrence.actionTitle()) + " was done on "
                    + recurrence.actionDoneAt() + ".");
            line("");
        }
        if (similar.isEmpty()) {
            line("None found.");
        }
        for (SimilarIncident s : similar) {
            line("- " + text(s.title()) + " (`" + s.incidentId() + "`, " + s.detectedAt() + ", score " + s.score() + "): "
                    + text(s.why()) + (s.systemicActions().isEmpty() ? "; no systemic action"
                            : "; systemic: " + text(String.join("; ", s.systemicActions()))));
        }

        section("Follow-up actions");
        if (actions == null) {
            line("_No follow-up actions reported yet._");
        } else {
            line("- " + actions.total() + (actions.total() == 1 ? " action: " : " actions: ") + actions.open()
                    + " open; systemic: " + actions.systemicDone() + " done, " + actions.systemicOpen() + " open");
        }
        line("");
        line("Each action, with its owner and due date, is in action-service: `GET /api/actions?incidentId="
                + incident.id + "`.");

        section("Timeline");
        for (TimelineEntry entry : timeline) {
            line("- " + entry.at + " · " + entry.kind + (entry.phase == null ? "" : " · " + entry.phase) + " · "
                    + text(entry.actor) + ": " + text(entry.text));
        }
        return out.toString();
    }

    /** The reviewers besides the one who recorded the review, each confirmed or not yet. */
    private static String otherReviewers(List<ReviewerView> reviewers) {
        List<String> others = reviewers.stream().skip(1)
                .map(r -> text(r.name()) + (r.status() == ReviewerStatus.CONFIRMED ? " (confirmed)" : " (not confirmed yet)"))
                .toList();
        return others.isEmpty() ? "" : "; also reviewed by " + String.join(", ", others);
    }

    private void section(String title) {
        line("");
        line("## " + title);
        line("");
    }

    private void milestone(String name, Instant at, Instant since) {
        if (at == null) {
            line("- " + name + ": —");
        } else if (since == null || at.isBefore(since)) {
            line("- " + name + ": " + at);
        } else {
            line("- " + name + ": " + at + " (+" + Relatedness.words(Duration.between(since, at)) + ")");
        }
    }

    private void paragraph(String title, String text) {
        if (text != null && !text.isBlank()) {
            line("");
            line("### " + title);
            line("");
            line(block(text));
        }
    }

    private void bullets(String title, List<String> items) {
        if (!items.isEmpty()) {
            line("");
            line("### " + title);
            line("");
            items.forEach(item -> line("- " + text(item)));
        }
    }

    private void numbered(String title, List<String> items) {
        if (!items.isEmpty()) {
            line("");
            line("### " + title);
            line("");
            for (int i = 0; i < items.size(); i++) {
                line((i + 1) + ". " + text(items.get(i)));
            }
        }
    }

    /**
     * Someone's text on one line (list items and headings must stay on one line, or the Markdown falls apart),
     * escaped as {@link MarkdownEscape#escapeLine} does.
     */
    static String text(String text) {
        return text == null ? "" : MarkdownEscape.escapeLine(MarkdownEscape.oneLine(text));
    }

    /** Someone's paragraphs: their line breaks and blank lines kept, each line escaped and unindented. */
    static String block(String text) {
        return String.join("\n", text.strip().lines().map(line -> MarkdownEscape.escapeLine(line.strip())).toList());
    }

    private void line(String text) {
        out.append(text).append('\n');
    }
}
