package dev.daff.incident.alerts;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

@Entity
@Table(name = "alert_link")
public class AlertLink extends PanacheEntityBase {

    @Id
    public String dedupKey;
    public UUID incidentId;
    public Instant linkedAt;
}
