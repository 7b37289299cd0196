package dev.daff.incident.alerts;

import java.time.Instant;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * An alert's clearing heard of before its firing (a PAGE's, or a TICKET's that would join an incident): the firing,
 * when it comes, records both.
 */
@Entity
@Table(name = "alert_cleared_first")
public class AlertClearedFirst extends PanacheEntityBase {

    @Id
    public String dedupKey;
    public Instant resolvedAt;
    public Instant receivedAt;
}
