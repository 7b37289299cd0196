package dev.daff.slo.paging;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

/** The paging tables' repositories. */
public final class PagingRepositories {

    private PagingRepositories() {
    }

    @ApplicationScoped
    public static class Pages implements PanacheRepositoryBase<Page, UUID> {
    }

    @ApplicationScoped
    public static class Notifications implements PanacheRepositoryBase<PageNotification, Long> {
    }

    @ApplicationScoped
    public static class Attempts implements PanacheRepositoryBase<DeliveryAttempt, Long> {
    }
}
