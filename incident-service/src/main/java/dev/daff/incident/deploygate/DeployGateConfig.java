package dev.daff.incident.deploygate;

import java.time.Duration;
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
     * defaults instead of production's floors. An environment without its own that is spelt like or short for one
     * with its own ({@link #meant}) gets that one's: "prod" must not pass with the defaults where production's
     * floors were meant.
     */
    default GateRule.Limits limits(String environment) {
        Thresholds base = defaults();
        String configured = environments().keySet().stream().filter(name -> name.equalsIgnoreCase(environment))
                .findFirst().or(() -> meant(environment)).orElse(null);
        Optional<Overrides> own = Optional.ofNullable(configured).map(environments()::get);
        return new GateRule.Limits(
                own.flatMap(Overrides::budgetBlockBelowPercent).orElse(base.budgetBlockBelowPercent()),
                own.flatMap(Overrides::budgetWarnBelowPercent).orElse(base.budgetWarnBelowPercent()),
                own.flatMap(Overrides::burnBlockAbove).orElse(base.burnBlockAbove()),
                own.flatMap(Overrides::burnWarnAbove).orElse(base.burnWarnAbove()));
    }

    /**
     * The environment with thresholds of its own that {@code environment}, which has none, probably means: the
     * closest spelt like it ({@link SpelledAlike}), else one it is short for ("prod" for production); empty for a
     * configured environment and for one like none.
     */
    default Optional<String> meant(String environment) {
        if (environments().keySet().stream().anyMatch(name -> name.equalsIgnoreCase(environment))) {
            return Optional.empty();
        }
        return SpelledAlike.among(environment, environments().keySet()).stream().findFirst()
                .or(() -> environments().keySet().stream().sorted()
                        .filter(name -> SpelledAlike.abbreviates(environment, name)).findFirst());
    }
}
