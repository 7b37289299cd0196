package dev.daff.incident.deploygate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Which thresholds an environment gets: its own, those of the configured ones it probably means, or the defaults. */
class DeployGateConfigTest {

    record Defaults(double budgetBlockBelowPercent, double budgetWarnBelowPercent, double burnBlockAbove,
            double burnWarnAbove) implements DeployGateConfig.Thresholds {
    }

    record Own(Optional<Double> budgetBlockBelowPercent, Optional<Double> budgetWarnBelowPercent,
            Optional<Double> burnBlockAbove, Optional<Double> burnWarnAbove) implements DeployGateConfig.Overrides {
    }

    /**
     * production's floors are higher than the defaults; pre-prod's lower, and it burns faster before it blocks; a
     * proof of concept's lowest of all.
     */
    static final DeployGateConfig CONFIG = new DeployGateConfig() {
        @Override
        public DeployGateConfig.Thresholds defaults() {
            return new Defaults(10, 25, 14.4, 6);
        }

        @Override
        public Map<String, DeployGateConfig.Overrides> environments() {
            return Map.of("poc", new Own(Optional.of(1.0), Optional.of(2.0), Optional.of(50.0), Optional.of(40.0)),
                    "production", new Own(Optional.of(20.0), Optional.of(40.0), Optional.empty(),
                    Optional.empty()), "pre-prod", new Own(Optional.of(5.0), Optional.empty(), Optional.of(20.0),
                            Optional.of(3.0)));
        }

        @Override
        public Duration snapshotMaxAge() {
            return Duration.ofMinutes(5);
        }

        @Override
        public Duration concurrentWindow() {
            return Duration.ofHours(1);
        }
    };

    @Test
    void aShortFormOfTwoEnvironmentsGetsTheStrictestOfTheirThresholds() {
        assertEquals(List.of("poc", "pre-prod", "production"), CONFIG.meant("prd"));
        assertEquals(List.of("poc", "pre-prod", "production"), CONFIG.meant("prod"),
                "two edits from poc and short for the others: all of them, not poc's floors alone");
        assertEquals(new GateRule.Limits(20, 40, 14.4, 3), CONFIG.limits("prod"),
                "production's floors and pre-prod's earlier burn warning; pre-prod's lower floor would have let it pass");
    }

    @Test
    void aConfiguredOneGetsItsOwnAndOneLikeNoneTheDefaults() {
        assertEquals(new GateRule.Limits(5, 25, 20, 3), CONFIG.limits("Pre-Prod"));
        assertEquals(List.of(), CONFIG.meant("PRODUCTION"));
        assertEquals(List.of("production"), CONFIG.meant("productoin"), "spelt alike is nearer than short for");
        assertEquals(new GateRule.Limits(10, 25, 14.4, 6), CONFIG.limits("qa-eu"));
        assertEquals(List.of(), CONFIG.meant("qa-eu"));
    }
}
