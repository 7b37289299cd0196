package dev.daff.slo.paging.delivery;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

/** Notifications of pages, queued and sent ({@code page_notification}). */
@ApplicationScoped
public class PageNotifications implements PanacheRepositoryBase<PageNotification, Long> {
}
