package dev.daff.slo.paging.pages;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

/** Pages ({@code page}). */
@ApplicationScoped
public class Pages implements PanacheRepositoryBase<Page, UUID> {
}
