package dev.daff.incident.finalisation;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class ActionSummaries implements PanacheRepositoryBase<ActionSummaryRecord, UUID> {
}
