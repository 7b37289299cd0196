package dev.daff.incident.washup;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class Causes implements PanacheRepositoryBase<IncidentCause, UUID> {
}
