package dev.daff.incident.deploygate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * "May I deploy now?": the reasons that apply to one change about to ship, each a sentence its developer
 * understands, and the verdict they add up to. Plain logic, no framework.
 *
 * <p>What blocks is what the seeds' incidents were made of: an SLO (of the service, or of a shared platform under
 * it) with too little budget left or burning fast; a page nobody acknowledged or an unresolved incident on the
 * service; a freeze. What warns: the same on a dependency or shared platform, a budget near the floor, a budget
 * whose numbers are stale, and any other change under way nearby — the deploy that collided with a control-plane
 * upgrade nobody had heard of.
 */
public final class GateRule {

    public enum Verdict {
        ALLOW, WARN, BLOCK
    }

    /** How a service in the facts relates to the one being deployed. */
    public enum Relation {
        SERVICE, DEPENDENCY, DEPENDENT, SHARED_PLATFORM
    }

    public record Limits(double budgetBlockBelowPercent, double budgetWarnBelowPercent, double burnBlockAbove,
            double burnWarnAbove) {
    }

    /**
     * An SLO's newest budget snapshot; {@code age} is how old it is, {@code stale} whether too old to trust;
     * {@code countsAge} how old the counts behind its budget and burn rates are (null when it did not say), and
     * {@code countsStale} whether too old to trust: its page facts still count. Of a stale snapshot, {@code countsStale}
     * says whether its counts were behind already when it was sent.
     */
    public record Budget(String slo, String service, Relation relation, double budgetRemaining, double burnRateOneHour,
            int unacknowledgedPages, Duration age, boolean stale, Duration countsAge, boolean countsStale) {
    }

    public record OpenIncident(String id, String title, String severity, String status, String service,
            Relation relation) {
    }

    public record NearbyChange(String service, String kind, String ref, Instant startedAt, Instant endedAt,
            Relation relation) {
    }

    public record ActiveFreeze(String id, Instant endsAt, String reason, boolean allServices) {
    }

    /**
     * {@code unknown}: the service is not in a catalog that has services, with the catalog's names spelt like it
     * (none when the catalog is empty or has the service). {@code environmentMeant}: the environment asked about has
     * no thresholds of its own and is probably this one, whose thresholds were applied.
     */
    public record Facts(String service, String kind, Instant now, List<Budget> budgets, List<OpenIncident> incidents,
            List<NearbyChange> changes, List<ActiveFreeze> freezes, Optional<Unknown> unknown,
            Optional<EnvironmentMeant> environmentMeant) {
    }

    /** {@code meant}: the configured environments {@code asked} is spelt like or short for, closest first. */
    public record EnvironmentMeant(String asked, List<String> meant) {
    }

    public record Unknown(List<String> spelledAlike) {
    }

    /**
     * One reason, and what it is about ({@code subject}: the freeze's or incident's id, the SLO's name, the change's
     * ref): an override covers the reasons it was given for, not others with the same code that came after.
     */
    public record Reason(String code, Verdict severity, String text, String subject) {
    }

    public record Decision(Verdict decision, List<Reason> reasons) {
    }

    /** Within one severity, reasons are listed in this order of codes. */
    private static final List<String> CODE_ORDER = List.of("FREEZE", "INCIDENT_OPEN", "PAGE_UNACKNOWLEDGED",
            "BUDGET_EXHAUSTED", "FAST_BURN", "BUDGET_LOW", "BURNING", "CONCURRENT_CHANGE", "BUDGET_UNKNOWN",
            "SERVICE_UNKNOWN", "ENVIRONMENT_UNKNOWN");

    /** How long a stale snapshot's burn rate and unacknowledged pages still block. */
    static final Duration STALE_BURN_BLOCKS = Duration.ofHours(1);

    private GateRule() {
    }

    public static Decision decide(Facts facts, Limits limits) {
        List<Reason> reasons = new ArrayList<>();
        for (ActiveFreeze freeze : facts.freezes()) {
            reasons.add(new Reason("FREEZE", Verdict.BLOCK, "A freeze (" + freeze.id() + ") covers "
                    + (freeze.allServices() ? "every service" : facts.service()) + " until " + freeze.endsAt() + ": "
                    + freeze.reason(), freeze.id()));
        }
        for (OpenIncident incident : facts.incidents()) {
            reasons.add(new Reason("INCIDENT_OPEN", own(incident.relation()) ? Verdict.BLOCK : Verdict.WARN,
                    "Incident " + incident.id() + " \"" + incident.title() + "\" (" + incident.severity() + ", "
                            + incident.status() + ") is unresolved on " + where(incident.service(), incident.relation())
                            + ".", incident.id()));
        }
        for (Budget budget : facts.budgets()) {
            budgetReasons(budget, limits, reasons);
        }
        for (NearbyChange change : facts.changes()) {
            reasons.add(new Reason("CONCURRENT_CHANGE", Verdict.WARN, (change.kind().matches("[AEIOU].*") ? "An " : "A ")
                    + change.kind() + " change"
                    + (change.ref() == null ? "" : " (" + change.ref() + ")") + " on " + where(change.service(),
                            change.relation()) + " is " + timing(change, facts.now())
                    + ": two changes at once make either hard to blame and to roll back.", change.service()
                            + (change.ref() == null ? "" : " " + change.ref())));
        }
        facts.unknown().ifPresent(unknown -> reasons.add(new Reason("SERVICE_UNKNOWN", Verdict.WARN, facts.service()
                + " is not in the service catalog, and freezes, incidents and budgets are found by the service's name:"
                + " a misspelt name passes all of them unseen" + (unknown.spelledAlike().isEmpty() ? "."
                        : ". Did you mean " + String.join(" or ", unknown.spelledAlike()) + "?"), facts.service())));
        facts.environmentMeant().ifPresent(environment -> reasons.add(new Reason("ENVIRONMENT_UNKNOWN", Verdict.WARN,
                environment.asked() + " has no thresholds of its own and is probably "
                        + String.join(" or ", environment.meant()) + (environment.meant().size() == 1 ? ", whose were"
                                : "; the strictest of their thresholds were") + " applied rather than the looser defaults."
                        + " Name the environment as configured, or configure " + environment.asked()
                        + " if it is another one.", environment.asked())));
        reasons.sort(Comparator.comparing((Reason reason) -> reason.severity() == Verdict.BLOCK ? 0 : 1)
                .thenComparing(reason -> CODE_ORDER.indexOf(reason.code())));
        Verdict verdict = reasons.stream().map(Reason::severity).max(Comparator.naturalOrder()).orElse(Verdict.ALLOW);
        return new Decision(verdict, List.copyOf(reasons));
    }

    /**
     * A stale snapshot is unknown, not good: what it last said still counts, worded as of then. slo-service falls
     * silent in the very outages that burn budgets, and a budget spent over weeks does not come back in minutes. An
     * hour's burn rate and pages that may have been acknowledged since are another matter: past
     * {@link #STALE_BURN_BLOCKS} they only warn, or a snapshot publisher stopped for days would block every deploy.
     */
    private static void budgetReasons(Budget budget, Limits limits, List<Reason> reasons) {
        String slo = "SLO " + budget.slo() + " of " + where(budget.service(), budget.relation());
        // Only by its age: one dated ahead of this clock says nothing of how old it is, and judged by the distance it
        // would go from warning back to blocking as this clock caught up with it.
        boolean burnTooOld = budget.stale() && budget.age().compareTo(STALE_BURN_BLOCKS) > 0;
        String asOf = "";
        if (budget.stale()) {
            long minutes = Math.abs(budget.age().toMinutes());
            boolean ahead = budget.age().isNegative();
            reasons.add(new Reason("BUDGET_UNKNOWN", Verdict.WARN, slo + (ahead
                    ? " last reported its budget dated " + minutes + " min ahead of this clock"
                    : " has not reported its budget for " + minutes + " min")
                    + ": its state now is unknown; what it said then still counts.", budget.slo()));
            asOf = ahead ? " (as reported, dated " + minutes + " min ahead)" : " (as of " + minutes + " min ago)";
        }
        if (budget.unacknowledgedPages() > 0) {
            Verdict severity = own(budget.relation()) && !burnTooOld ? Verdict.BLOCK : Verdict.WARN;
            reasons.add(new Reason("PAGE_UNACKNOWLEDGED", severity,
                    budget.unacknowledgedPages() + " page(s) for " + slo + (asOf.isEmpty()
                            ? " nobody has acknowledged yet." : " nobody had acknowledged" + asOf + "."), budget.slo()));
        }
        if (budget.relation() == Relation.DEPENDENCY || budget.relation() == Relation.DEPENDENT) {
            return; // a plain dependency's budget is its own team's call; its pages and incidents still count
        }
        if (budget.countsStale()) {
            if (!budget.stale()) { // a stale one says its state is unknown already
                reasons.add(new Reason("BUDGET_UNKNOWN", Verdict.WARN, slo + " has counted its events only up to "
                        + budget.countsAge().toMinutes() + " min ago (it is working through a backlog): its budget and"
                        + " burn rate are unknown.", budget.slo()));
            }
            return;
        }
        double left = budget.budgetRemaining() * 100;
        if (left < limits.budgetBlockBelowPercent()) {
            reasons.add(new Reason("BUDGET_EXHAUSTED", Verdict.BLOCK, slo + " has " + percent(left)
                    + " of its error budget left" + asOf + " (the floor is " + percent(limits.budgetBlockBelowPercent())
                    + "): ship what makes it more reliable, not new risk.", budget.slo()));
        } else if (left < limits.budgetWarnBelowPercent()) {
            reasons.add(new Reason("BUDGET_LOW", Verdict.WARN, slo + " has " + percent(left)
                    + " of its error budget left" + asOf + " (warning below " + percent(limits.budgetWarnBelowPercent())
                    + ").", budget.slo()));
        }
        double burn = budget.burnRateOneHour();
        if (burn > limits.burnBlockAbove()) {
            reasons.add(new Reason("FAST_BURN", burnTooOld ? Verdict.WARN : Verdict.BLOCK, slo + " burns its error budget "
                    + times(burn)
                    + " as fast as it can afford over the last hour" + asOf + " (the limit is "
                    + times(limits.burnBlockAbove()) + "): something is already wrong.", budget.slo()));
        } else if (burn > limits.burnWarnAbove()) {
            reasons.add(new Reason("BURNING", Verdict.WARN, slo + " burns its error budget " + times(burn)
                    + " as fast as it can afford over the last hour" + asOf + " (warning above "
                    + times(limits.burnWarnAbove()) + ").", budget.slo()));
        }
    }

    private static boolean own(Relation relation) {
        return relation == Relation.SERVICE;
    }

    private static String where(String service, Relation relation) {
        return switch (relation) {
            case SERVICE -> service + " itself";
            case DEPENDENCY -> service + ", which it depends on";
            case DEPENDENT -> service + ", which depends on it";
            case SHARED_PLATFORM -> "the shared platform " + service;
        };
    }

    private static String timing(NearbyChange change, Instant now) {
        Instant end = change.endedAt() == null ? change.startedAt() : change.endedAt();
        if (change.startedAt().isAfter(now)) {
            return "due in " + Duration.between(now, change.startedAt()).toMinutes() + " min";
        }
        if (!end.isBefore(now) && change.endedAt() != null) {
            return "under way (since " + Duration.between(change.startedAt(), now).toMinutes() + " min)";
        }
        return "from " + Duration.between(end, now).toMinutes() + " min ago";
    }

    private static String percent(double value) {
        return String.format(Locale.ROOT, "%.1f %%", value);
    }

    private static String times(double value) {
        return String.format(Locale.ROOT, "%.1f×", value);
    }
}
