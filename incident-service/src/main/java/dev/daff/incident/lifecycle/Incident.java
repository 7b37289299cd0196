package dev.daff.incident.lifecycle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.OrderColumn;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

@Entity
@Table(name = "incident")
public class Incident extends PanacheEntityBase {

    @Id
    public UUID id;
    public String title;
    public String summary;
    @Enumerated(EnumType.STRING)
    public Severity severity;
    @Enumerated(EnumType.STRING)
    public IncidentStatus status;
    public String team;
    @Enumerated(EnumType.STRING)
    public DetectionSource detectionSource;
    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "incident_service", joinColumns = @JoinColumn(name = "incident_id"))
    @OrderColumn(name = "position")
    @Column(name = "service")
    public List<String> services = new ArrayList<>();
    public Instant impactStartedAt;
    public Instant detectedAt;
    public Instant acknowledgedAt;
    public Instant identifiedAt;
    public Instant resolvedAt;
    public Instant finalisedAt;
    public Instant createdAt;
    @Version
    public long version;
}
