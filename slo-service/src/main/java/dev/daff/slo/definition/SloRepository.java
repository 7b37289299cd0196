package dev.daff.slo.definition;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class SloRepository implements PanacheRepositoryBase<Slo, String> {
}
