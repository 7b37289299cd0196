package dev.daff.incident.lifecycle;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class IncidentRepository implements PanacheRepositoryBase<Incident, UUID> {
}
