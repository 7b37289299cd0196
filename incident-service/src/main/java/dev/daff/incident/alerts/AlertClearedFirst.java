package dev.daff.incident.alerts;

import java.time.Instant;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A PAGE alert's clearing heard of before its firing: the firing, when it comes, records both. */
@Entity
@Table(name = "alert_cleared_first")
public class AlertClearedFirst extends PanacheEntityBase {

    @Id
    public String dedupKey;
    public Instant resolvedAt;
    public Instant receivedAt;
}
