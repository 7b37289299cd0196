package dev.daff.slo.evaluation;

import java.time.Instant;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One alert episode, from FIRED to RESOLVED. */
@Entity
@Table(name = "slo_alert")
public class SloAlert extends PanacheEntityBase {

    @Id
    public String alertId;
    public String dedupKey;
    public String sloName;
    public String severity;
    public String kind;
    public String tier;
    public double burnRateLong;
    public double burnRateShort;
    public double threshold;
    public double budgetRemaining;
    public Instant exhaustionAt;
    public Instant firedAt;
    public Instant resolvedAt;
}
