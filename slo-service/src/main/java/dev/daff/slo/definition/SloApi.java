package dev.daff.slo.definition;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** What the SLO API reads and writes; entities never cross the wire. */
public final class SloApi {

    public static final String SLUG = "^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$";

    private SloApi() {
    }

    /**
     * Create or replace an SLO. {@code name} is ignored on PUT (the path names the SLO), as are the fields only an
     * answer has ({@link SloView}'s tiers and times), so an SLO read can be changed and PUT back whole; any other key
     * is a 400 (a misspelt one would leave its field at the default). {@code version}, the SLO's as last read, makes a
     * PUT 409 when someone changed it since; without it a PUT replaces whatever is there (a POST ignores it).
     */
    @JsonIgnoreProperties({ "tiers", "createdAt", "updatedAt" })
    public record SloRequest(
            @Pattern(regexp = SLUG, message = "must be a lower-case slug (a-z, 0-9, '-'), at most 63 characters") String name,
            @NotBlank @Size(max = 100) String service,
            // The handle PUT /api/teams/{team} takes (paging's TeamDefinition.HANDLE): a page goes to the team
            // defined under this name, and a name no team can have would page nobody.
            @NotBlank @Pattern(regexp = "^[a-z0-9][a-z0-9._-]{0,99}$", message = "must be a lower-case team handle"
                    + " (a-z, 0-9, '.', '_', '-'), as PUT /api/teams/{team} takes") String team,
            @Size(max = 2000) String description,
            @NotNull @DecimalMin(value = "0", inclusive = false) @DecimalMax(value = "100", inclusive = false) Double objective,
            @NotNull @Pattern(regexp = "7d|28d|30d", message = "must be 7d, 28d or 30d") String window,
            @PositiveOrZero Long minEvents,
            Duration noDataAfter,
            @Valid VolumeDrop volumeDrop,
            @Valid AlertBudgets alertBudgets,
            ExhaustionAlerts exhaustionAlerts,
            @Valid BudgetDropAlert budgetDropAlert,
            @Valid Prometheus prometheus,
            Long version) {
    }

    /**
     * "Budget exhausted within {@code ticketWithin} (TICKET) / {@code pageWithin} (PAGE) at the burn rate of
     * {@code rateWindow}"; off unless enabled; defaults PT6H, PT24H, PT4H.
     */
    public record ExhaustionAlerts(Boolean enabled, Duration rateWindow, Duration ticketWithin, Duration pageWithin) {
    }

    /** "{@code percent} % of the budget burned within {@code window}"; off unless enabled; defaults 5, PT1H, TICKET. */
    public record BudgetDropAlert(Boolean enabled,
            @DecimalMin(value = "0.01", message = "must be at least 0.01 (percent of the period's budget)")
            @DecimalMax("100") Double percent,
            Duration window,
            @Pattern(regexp = "PAGE|TICKET", message = "must be PAGE or TICKET") String severity) {
    }

    /**
     * Where the SLI also lives in Prometheus: the failed-events and all-events queries, each over Sloth's
     * {@code {{.window}}} (so one query serves every alert window), for {@code GET /api/slos/{name}/prometheus-rules}.
     */
    public record Prometheus(
            @NotBlank @Size(max = PROMQL_MAX) @Pattern(regexp = WINDOWED, message = WINDOWED_MESSAGE) String errorQuery,
            @NotBlank @Size(max = PROMQL_MAX) @Pattern(regexp = WINDOWED, message = WINDOWED_MESSAGE) String totalQuery) {
    }

    /** Longest PromQL query kept (the column's size). */
    public static final int PROMQL_MAX = 4000;
    public static final String WINDOWED = "(?s).*\\{\\{\\s*\\.window\\s*}}.*";
    // braces escaped: the validator reads {…} in a message as a parameter (an OpenSLO refusal drops the backslashes)
    public static final String WINDOWED_MESSAGE = "must use \\{\\{.window\\}\\} as the range of its rates, as in sum(rate(x[\\{\\{.window\\}\\}]))";

    /** The "too few requests" alarm: the last 30 minutes below {@code ratio} of the 24-hour average. */
    public record VolumeDrop(Boolean enabled,
            @DecimalMin(value = "0", inclusive = false) @DecimalMax(value = "1", inclusive = false) Double ratio) {
    }

    /**
     * Percent of the whole error budget each tier may spend in its long window before it alerts. At least 0.001: a
     * smaller one (1e-323) passed "above 0" and became 0 as a fraction, a tier that paged on any error and an export
     * with threshold 0 that no import takes.
     */
    public record AlertBudgets(
            @DecimalMin("0.001") @DecimalMax("100") Double pageFast,
            @DecimalMin("0.001") @DecimalMax("100") Double pageSlow,
            @DecimalMin("0.001") @DecimalMax("100") Double ticketFast,
            @DecimalMin("0.001") @DecimalMax("100") Double ticketSlow) {
    }

    /** One alert tier as computed for this SLO, so nobody has to redo the Workbook arithmetic. */
    public record TierView(String severity, String tier, double budgetPercent, double burnFactor, double threshold) {
    }

    public record SloView(
            String name,
            String service,
            String team,
            String description,
            double objective,
            String window,
            long minEvents,
            Duration noDataAfter,
            VolumeDrop volumeDrop,
            AlertBudgets alertBudgets,
            List<TierView> tiers,
            ExhaustionAlerts exhaustionAlerts,
            BudgetDropAlert budgetDropAlert,
            Prometheus prometheus,
            Instant createdAt,
            Instant updatedAt,
            long version) {
    }
}
