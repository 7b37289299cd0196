package dev.daff.incident.deploygate;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One answer of the gate, kept with its reasons; an admin's override is added to it, never replaces it. */
@Entity
@Table(name = "deploy_decision")
public class DeployDecision extends PanacheEntityBase {

    @Id
    public UUID id;
    public String service;
    public String environment;
    public String kind;
    public String ref;
    public String author;
    public String decision;
    /** The reasons as JSON ({@code [{code, severity, text}]}), most severe first. */
    public String reasons;
    public Instant checkedAt;
    public String requestedBy;
    public String requestedBySubject;
    public Instant overriddenAt;
    public String overriddenBy;
    public String overriddenBySubject;
    public String overrideReason;
}
