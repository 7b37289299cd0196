package dev.daff.action.incidents;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class KnownIncidents implements PanacheRepositoryBase<KnownIncident, UUID> {
}
