package dev.daff.slo.paging.delivery;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

/** The delivery log: one row per attempt to send a notification ({@code delivery_attempt}). */
@ApplicationScoped
public class DeliveryAttempts implements PanacheRepositoryBase<DeliveryAttempt, Long> {
}
