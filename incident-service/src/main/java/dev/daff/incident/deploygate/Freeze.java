package dev.daff.incident.deploygate;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A window in which the gate blocks deploys of some services, or of all. */
@Entity
@Table(name = "deploy_freeze")
public class Freeze extends PanacheEntityBase {

    @Id
    public String id;
    public Instant startsAt;
    public Instant endsAt;
    public boolean allServices;
    /** Comma-separated service names; empty when {@link #allServices}. */
    public String services;
    public String reason;
    public String createdBy;
    public String createdBySubject;
    public Instant createdAt;

    public List<String> serviceList() {
        return services.isEmpty() ? List.of() : Arrays.asList(services.split(","));
    }

    public boolean covers(String service, Instant at) {
        return !at.isBefore(startsAt) && at.isBefore(endsAt)
                && (allServices || serviceList().stream().anyMatch(service::equalsIgnoreCase));
    }
}
