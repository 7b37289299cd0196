package dev.daff.incident.alerts;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class AlertLinks implements PanacheRepositoryBase<AlertLink, String> {
}
