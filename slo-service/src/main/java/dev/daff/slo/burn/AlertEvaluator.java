package dev.daff.slo.burn;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The alert state machine of the SRE Workbook's multiwindow, multi-burn-rate alerts (ch. 5), plus NO_DATA and
 * VOLUME_DROP. Holds at most one active alert per (SLO, severity, kind) and reports only changes.
 *
 * <ul>
 * <li>PAGE / BURN_RATE while (1h and 5m) or (6h and 30m) error ratios exceed their tier's factor × (1 − SLO);
 * TICKET / BURN_RATE likewise for (1d and 2h) or (3d and 6h). A tier holds only when its long window has at
 * least {@code minEvents} events. The alert is labelled with the first tier that held when it fired and
 * resolves when no tier of its severity holds.</li>
 * <li>Inhibition: the page already tells the on-call everything the ticket would. While a PAGE burn alert is
 * active no TICKET burn alert fires, and a TICKET that was active when the page fires is resolved at once, so
 * that one person is not chased by two alerts for one problem. If the ticket condition still holds when the
 * page resolves, a new TICKET episode fires (with a new dedupKey): the slower burn deserves its own ticket.</li>
 * <li>BUDGET_EXHAUSTION and BUDGET_DROP (optional per SLO, {@link BudgetAlerts}): the remaining budget runs out
 * within a horizon at a window's burn rate (TICKET and PAGE horizons), and a share of the budget burned within a
 * window. They share the tiers' rules: one active alert per (severity, kind), {@code minEvents} in the window read,
 * and inhibition widened to all budget kinds and NO_DATA: while such a PAGE is active no budget TICKET fires,
 * and an active one resolves, to fire again as a new episode if it still holds when the pages are gone. Pages of
 * different budget kinds do not inhibit each other: each says something the others do not (how fast, when it runs
 * out, how much at once), and the tiers' own page is unchanged whether or not the others are enabled.</li>
 * <li>NO_DATA (PAGE): the SLO had events and then none for {@code noDataAfter}, counted from the end of the
 * last minute with events; resolves when an event arrives. A never-fed SLO is not silent, just new.</li>
 * <li>VOLUME_DROP: the last 30 complete minutes hold fewer than ratio × the average 30 minutes of the
 * previous 24 h. Judged only with at least {@value #MIN_VOLUME_HISTORY_HOURS} complete hours of history and a
 * positive average: a baseline of an hour or two is mostly start-up noise. Not judged while NO_DATA is active
 * (silence is the stronger, already paged, form of the same fact); an active VOLUME_DROP resolves then. Nor are
 * the minutes of such a silence (one of {@code noDataAfter} or longer) judged once it is over: until 30 complete
 * minutes have passed since, the minutes since (at least 5) are held to their share of the average.</li>
 * </ul>
 *
 * <p>Each evaluation reads a fixed number of running sums: O(1) per SLO. Not thread-safe: evaluate all SLOs
 * from one thread (or one evaluator per thread with disjoint SLOs).
 */
public final class AlertEvaluator {

    /** Complete hours of traffic history before a volume drop is judged. */
    public static final int MIN_VOLUME_HISTORY_HOURS = 6;
    static final String VOLUME_DROP_TIER = "30m/24h";
    private static final long MIN_MINUTES_AFTER_SILENCE = 5;

    private final Map<String, Map<AlertSlot, ActiveAlert>> activeBySlo = new HashMap<>();

    /**
     * One evaluation of one SLO at {@code now}; brings {@code windows} to {@code now}. Unless {@code counted} (all that
     * was sent up to about now is counted), a silence may be daff's own (a broker that stalls): what rests on one waits
     * — NO_DATA and VOLUME_DROP do not fire, and no alert resolves — while a burn in what was counted still fires.
     */
    public List<AlertTransition> evaluate(SloAlertSettings settings, SliWindows windows, Instant now, boolean counted) {
        BurnSnapshot snapshot = BurnCalculator.snapshot(windows, settings.objectivePercent(), now);
        Map<AlertSlot, ActiveAlert> active = activeBySlo.computeIfAbsent(settings.slo(), slo -> new HashMap<>());
        List<AlertTransition> transitions = new ArrayList<>(2);
        AlertTiers tiers = settings.tiers();

        BudgetAlerts budget = settings.budgetAlerts();
        Duration period = windows.sloWindow();
        AlertSignal silence = noDataSignal(settings, windows, snapshot, now);

        // Pages first: whether any budget page is active decides whether budget tickets may fire.
        AlertSlot pageBurn = new AlertSlot(Severity.PAGE, AlertKind.BURN_RATE);
        AlertTier pageTier = firstHolding(settings, snapshot, tiers.pageFast(), tiers.pageSlow());
        apply(settings.slo(), active, pageBurn, burnSignal(pageTier, active.get(pageBurn), snapshot, silence.holds()),
                snapshot, transitions, counted);
        apply(settings.slo(), active, new AlertSlot(Severity.PAGE, AlertKind.BUDGET_EXHAUSTION),
                budget.exhaustionEnabled() ? BudgetSignals.exhaustion(settings, Severity.PAGE, snapshot, windows)
                        : AlertSignal.quiet(snapshot),
                snapshot, transitions, counted);
        // Both severities' slots are always judged, so an alert left active by a changed definition resolves.
        apply(settings.slo(), active, new AlertSlot(Severity.PAGE, AlertKind.BUDGET_DROP),
                budget.dropEnabled() && budget.dropSeverity() == Severity.PAGE ? BudgetSignals.drop(settings, snapshot, period)
                        : AlertSignal.quiet(snapshot),
                snapshot, transitions, counted);
        boolean budgetPaged = silence.holds() || active.keySet().stream().anyMatch(slot -> slot.severity() == Severity.PAGE
                && (slot.kind().aboutBudget() || slot.kind() == AlertKind.NO_DATA));

        AlertSlot ticketBurn = new AlertSlot(Severity.TICKET, AlertKind.BURN_RATE);
        AlertTier ticketTier = budgetPaged ? null
                : firstHolding(settings, snapshot, tiers.ticketFast(), tiers.ticketSlow());
        apply(settings.slo(), active, ticketBurn, burnSignal(ticketTier, active.get(ticketBurn), snapshot, silence.holds()),
                snapshot, transitions, counted);
        apply(settings.slo(), active, new AlertSlot(Severity.TICKET, AlertKind.BUDGET_EXHAUSTION),
                budget.exhaustionEnabled() && !budgetPaged
                        ? BudgetSignals.exhaustion(settings, Severity.TICKET, snapshot, windows)
                        : AlertSignal.quiet(snapshot),
                snapshot, transitions, counted);
        apply(settings.slo(), active, new AlertSlot(Severity.TICKET, AlertKind.BUDGET_DROP),
                budget.dropEnabled() && budget.dropSeverity() == Severity.TICKET && !budgetPaged
                        ? BudgetSignals.drop(settings, snapshot, period)
                        : AlertSignal.quiet(snapshot),
                snapshot, transitions, counted);

        AlertSlot noData = new AlertSlot(Severity.PAGE, AlertKind.NO_DATA);
        apply(settings.slo(), active, noData, silence, snapshot, transitions, counted);

        AlertSlot volumeDrop = new AlertSlot(settings.volumeDropSeverity(), AlertKind.VOLUME_DROP);
        AlertSignal volumeSignal = settings.volumeDropEnabled() && !active.containsKey(noData)
                ? volumeDropSignal(settings, windows, snapshot)
                : AlertSignal.quiet(snapshot);
        apply(settings.slo(), active, volumeDrop, volumeSignal, snapshot, transitions, counted);

        if (active.isEmpty()) {
            activeBySlo.remove(settings.slo()); // nothing to remember: keeps memory to SLOs with alerts
        }
        return transitions;
    }

    /** The FIRED transitions of all active alerts. */
    public List<AlertTransition> activeAlerts() {
        List<AlertTransition> all = new ArrayList<>();
        activeBySlo.values().forEach(active -> active.values().forEach(alert -> all.add(alert.fired())));
        return all;
    }

    /** The FIRED transitions of the active alerts of {@code slo}. */
    public List<AlertTransition> activeAlerts(String slo) {
        return fired(activeBySlo.get(slo));
    }

    /**
     * Drops all state of {@code slo} (deleted or redefined) and returns its alerts that were active, so the
     * caller can close them wherever they were announced.
     */
    public List<AlertTransition> forget(String slo) {
        return fired(activeBySlo.remove(slo));
    }

    /**
     * Replaces what this evaluator believes is active for an SLO with the episodes stored as unresolved (their
     * FIRED transitions): how a replica that takes over an SLO, or restarts, or failed to store a transition picks
     * up where the stored truth is, so that an episode is neither lost nor doubled.
     */
    public void restore(SloAlertSettings settings, List<AlertTransition> stillFiring) {
        activeBySlo.remove(settings.slo());
        if (stillFiring.isEmpty()) {
            return;
        }
        Map<AlertSlot, ActiveAlert> active = new HashMap<>();
        AlertTiers tiers = settings.tiers();
        for (AlertTransition fired : stillFiring) {
            AlertTier tier = null;
            for (AlertTier candidate : List.of(tiers.pageFast(), tiers.pageSlow(), tiers.ticketFast(), tiers.ticketSlow())) {
                if (candidate.label().equals(fired.tier())) {
                    tier = candidate;
                }
            }
            active.put(new AlertSlot(fired.severity(), fired.kind()), new ActiveAlert(fired, tier));
        }
        activeBySlo.put(settings.slo(), active);
    }

    private static List<AlertTransition> fired(Map<AlertSlot, ActiveAlert> active) {
        return active == null ? List.of() : active.values().stream().map(ActiveAlert::fired).toList();
    }

    private static AlertTier firstHolding(SloAlertSettings settings, BurnSnapshot snapshot, AlertTier... tiers) {
        for (AlertTier tier : tiers) {
            if (holds(tier, settings, snapshot)) {
                return tier;
            }
        }
        return null;
    }

    private static boolean holds(AlertTier tier, SloAlertSettings settings, BurnSnapshot snapshot) {
        WindowBurn longWindow = snapshot.window(tier.longWindow());
        WindowBurn shortWindow = snapshot.window(tier.shortWindow());
        double threshold = tier.threshold(snapshot.errorBudget());
        return longWindow.total() >= settings.minEvents()
                && longWindow.errorRatio() > threshold
                && shortWindow.errorRatio() > threshold;
    }

    /**
     * The signal of a burn condition: the holding tier if any; else the tier the active alert fired with, its rates
     * reported at resolution — holding while that tier's short window has no event, until NO_DATA takes the silence
     * over (silence is no recovery: the page resolved as the service went dark, minutes before NO_DATA could fire).
     */
    private static AlertSignal burnSignal(AlertTier holding, ActiveAlert active, BurnSnapshot snapshot, boolean silence) {
        if (holding != null) {
            return AlertSignal.ofTier(true, holding, snapshot);
        }
        if (active == null || active.tier() == null) {
            return AlertSignal.quiet(snapshot);
        }
        return AlertSignal.ofTier(!silence && snapshot.window(active.tier().shortWindow()).total() == 0, active.tier(), snapshot);
    }

    private static AlertSignal noDataSignal(SloAlertSettings settings, SliWindows windows, BurnSnapshot snapshot,
            Instant now) {
        Instant lastEventMinute = windows.lastEventMinute();
        boolean silent = lastEventMinute != null
                && !now.isBefore(lastEventMinute.plus(Duration.ofMinutes(1)).plus(settings.noDataAfter()));
        return new AlertSignal(silent, WindowLabels.of(settings.noDataAfter()), snapshot.oneHour().burnRate(),
                snapshot.fiveMinutes().burnRate(), 0.0);
    }

    private static AlertSignal volumeDropSignal(SloAlertSettings settings, SliWindows windows, BurnSnapshot snapshot) {
        SliWindows.VolumeSample volume = windows.volume();
        double expected = settings.volumeDropRatio() * volume.averagePerThirtyMinutes();
        boolean dropped = volume.historyHours() >= MIN_VOLUME_HISTORY_HOURS && expected > 0.0
                && volume.lastThirtyMinutes() < expected;
        if (dropped) { // the silence of an outage NO_DATA paged for is no drop: judge the minutes since, once 5 are in
            long since = windows.minutesSinceSilence(settings.noDataAfter(), 30);
            dropped = since >= MIN_MINUTES_AFTER_SILENCE && volume.lastThirtyMinutes() < expected * since / 30.0;
        }
        return new AlertSignal(dropped, VOLUME_DROP_TIER, snapshot.oneHour().burnRate(),
                snapshot.fiveMinutes().burnRate(), settings.volumeDropRatio());
    }

    private static void apply(String slo, Map<AlertSlot, ActiveAlert> active, AlertSlot slot, AlertSignal signal,
            BurnSnapshot snapshot, List<AlertTransition> transitions, boolean counted) {
        ActiveAlert activeAlert = active.get(slot);
        AlertTransition firing = activeAlert == null ? null : activeAlert.fired();
        Instant now = snapshot.at();
        if (!counted && (firing != null || slot.kind().fromSilence())) {
            return; // a silence daff cannot yet tell from its own: judged once counting has caught up
        }
        if (signal.holds() && firing == null) {
            AlertTransition fired = new AlertTransition(TransitionType.FIRED, UUID.randomUUID().toString(),
                    AlertTransition.dedupKey(slo, slot.severity(), slot.kind(), now), slo, slot.severity(),
                    slot.kind(), signal.tier(), signal.burnRateLong(), signal.burnRateShort(),
                    signal.threshold(), snapshot.budgetRemaining(), signal.exhaustionAtOr(snapshot), now, null);
            active.put(slot, new ActiveAlert(fired, signal.sourceTier()));
            transitions.add(fired);
        } else if (!signal.holds() && firing != null) {
            active.remove(slot);
            transitions.add(new AlertTransition(TransitionType.RESOLVED, firing.alertId(), firing.dedupKey(), slo,
                    slot.severity(), slot.kind(), firing.tier(), signal.burnRateLong(), signal.burnRateShort(),
                    firing.threshold(), snapshot.budgetRemaining(), signal.exhaustionAtOr(snapshot), firing.firedAt(),
                    now));
        }
    }

    /** A firing alert and, for burn alerts, the tier it fired with (its rates are reported at resolution). */
    private record ActiveAlert(AlertTransition fired, AlertTier tier) {
    }

    /** One (severity, kind) place an alert can occupy for an SLO. */
    private record AlertSlot(Severity severity, AlertKind kind) {
    }
}
