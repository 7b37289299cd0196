package dev.daff.slo.definition;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

import dev.daff.kit.problem.ProblemException;

/** A service level objective over a ratio SLI (good / total events) and a rolling window. */
@Entity
@Table(name = "slo")
public class Slo extends PanacheEntityBase {

    @Id
    public String name;
    public String service;
    public String team;
    public String description;
    /** Percentage of good events, strictly between 0 and 100 (99.9). */
    public double objective;
    @Column(name = "window_days")
    public int windowDays;
    public long minEvents;
    public long noDataAfterSeconds;
    public boolean volumeDropEnabled;
    public double volumeDropRatio;
    public double pageFastBudget;
    public double pageSlowBudget;
    public double ticketFastBudget;
    public double ticketSlowBudget;
    /** Budget alerts beyond the tiers ({@link dev.daff.slo.burn.BudgetAlerts}); off unless enabled. */
    public boolean exhaustionAlertsEnabled;
    public long exhaustionRateWindowSeconds = 21_600;
    public long exhaustionTicketWithinSeconds = 86_400;
    public long exhaustionPageWithinSeconds = 14_400;
    public boolean budgetDropEnabled;
    public double budgetDropFraction = 0.05;
    public long budgetDropWindowSeconds = 3_600;
    public String budgetDropSeverity = "TICKET";
    /** PromQL of the failed events over Sloth's {@code {{.window}}}; null without a Prometheus section. */
    public String prometheusErrorQuery;
    /** PromQL of all events over {@code {{.window}}}; null exactly when {@link #prometheusErrorQuery} is. */
    public String prometheusTotalQuery;
    public Instant createdAt;
    public Instant updatedAt;
    @Version
    public long version;
    /** New with every create (the database's sequence): a re-created SLO of the same name is another SLO. */
    @Column(insertable = false, updatable = false)
    public long generation;

    /**
     * Refuses a change made from an older read of this SLO ({@code versionRead} null: the client did not say what it
     * read, and its PUT replaces what is there): of two edits from one read, the second silently undid the first.
     */
    void requireRead(Long versionRead) {
        if (versionRead != null && versionRead != version) {
            throw ProblemException.conflict("stale-update", "Stale update", "Someone else changed SLO '" + name
                    + "' since you read it (version " + versionRead + "; it is at " + version + " now). Read it"
                    + " again and reapply your change.");
        }
    }

    /** What a replica compares with the stored row to know it holds this very definition. */
    public Revision revision() {
        return new Revision(generation, version);
    }

    /** An SLO's generation (which SLO of its name) and version (which edit of it). */
    public record Revision(long generation, long version) {
    }

    public SloWindow window() {
        return SloWindow.ofDays(windowDays);
    }

    /** The error budget as a fraction of events: 1 − objective. */
    public double errorBudget() {
        return 1.0 - objective / 100.0;
    }
}
