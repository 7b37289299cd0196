package dev.daff.incident.deploygate;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** The deploy gate's thresholds: defaults, and per environment what differs from them. */
@ConfigMapping(prefix = "daff.deploy-gate")
public interface DeployGateConfig {

    /** Thresholds for an environment without its own. */
    Thresholds defaults();

    /** Per environment (e.g. {@code production}), the thresholds that differ from the defaults. */
    Map<String, Overrides> environments();

    /** A budget snapshot older than this is unknown: its SLO's replica may be down (a WARN says so). */
    Duration snapshotMaxAge();

    /** How long before and after a deploy another change counts as concurrent with it. */
    Duration concurrentWindow();

    interface Thresholds {
        /** BLOCK when an SLO of the service has less than this share of its budget left, in percent. */
        double budgetBlockBelowPercent();

        /** WARN when less than this is left. */
        double budgetWarnBelowPercent();

        /** BLOCK when an SLO of the service burns its budget faster than this over the last hour. */
        double burnBlockAbove();

        /** WARN when faster than this. */
        double burnWarnAbove();
    }

    interface Overrides {
        Optional<Double> budgetBlockBelowPercent();

        Optional<Double> budgetWarnBelowPercent();

        Optional<Double> burnBlockAbove();

        Optional<Double> burnWarnAbove();
    }

    /**
     * The thresholds of one environment, whatever its case: a pipeline that says "Production" must not get the looser
     * defaults instead of production's floors. An environment without its own that is spelt like or short for ones
     * with their own ({@link #meant}) gets the strictest of theirs: "prod" must not pass with the defaults where
     * production's floors were meant, nor with pre-prod's where it could mean either.
     */
    default GateRule.Limits limits(String environment) {
        Optional<String> configured = environments().keySet().stream().filter(name -> name.equalsIgnoreCase(environment))
                .findFirst();
        List<GateRule.Limits> candidates = (configured.isPresent() ? List.of(configured.get()) : meant(environment))
                .stream().map(name -> over(defaults(), environments().get(name))).toList();
        if (candidates.isEmpty()) {
            return over(defaults(), null);
        }
        return new GateRule.Limits(
                candidates.stream().mapToDouble(GateRule.Limits::budgetBlockBelowPercent).max().orElseThrow(),
                candidates.stream().mapToDouble(GateRule.Limits::budgetWarnBelowPercent).max().orElseThrow(),
                candidates.stream().mapToDouble(GateRule.Limits::burnBlockAbove).min().orElseThrow(),
                candidates.stream().mapToDouble(GateRule.Limits::burnWarnAbove).min().orElseThrow());
    }

    /** An environment's own thresholds over the defaults ({@code own} null: the defaults). */
    static GateRule.Limits over(Thresholds base, Overrides own) {
        Optional<Overrides> set = Optional.ofNullable(own);
        return new GateRule.Limits(
                set.flatMap(Overrides::budgetBlockBelowPercent).orElse(base.budgetBlockBelowPercent()),
                set.flatMap(Overrides::budgetWarnBelowPercent).orElse(base.budgetWarnBelowPercent()),
                set.flatMap(Overrides::burnBlockAbove).orElse(base.burnBlockAbove()),
                set.flatMap(Overrides::burnWarnAbove).orElse(base.burnWarnAbove()));
    }

    /**
     * The environments with thresholds of their own that {@code environment}, which has none, probably means: those
     * spelt like it ({@link SpelledAlike}), closest first, then those it is short for ("prod" for production, and for
     * pre-prod too), by name; none for a configured environment and for one like none.
     */
    default List<String> meant(String environment) {
        if (environments().keySet().stream().anyMatch(name -> name.equalsIgnoreCase(environment))) {
            return List.of();
        }
        // Both kinds together: "prod" is two edits from a configured "poc" and short for "production", and taking the
        // first kind found gave it poc's floors.
        return java.util.stream.Stream.concat(SpelledAlike.among(environment, environments().keySet()).stream(),
                environments().keySet().stream().filter(name -> SpelledAlike.abbreviates(environment, name)).sorted())
                .distinct().toList();
    }
}
