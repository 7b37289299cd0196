package dev.daff.incident.deploygate;

import java.time.Instant;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** The newest budget snapshot of one SLO, as slo-service published it on {@code daff.slo-budgets}. */
@Entity
@Table(name = "slo_budget")
public class SloBudget extends PanacheEntityBase {

    @Id
    public String slo;
    public String service;
    public String team;
    public double objective;
    public double budgetRemaining;
    public double burnRateOneHour;
    public double burnRateSixHours;
    public boolean pageFiring;
    public int unacknowledgedPages;
    public Instant observedAt;
    /** When the counts behind the budget and burn rates were last known complete; null when the snapshot did not say. */
    public Instant countedUpTo;
}
