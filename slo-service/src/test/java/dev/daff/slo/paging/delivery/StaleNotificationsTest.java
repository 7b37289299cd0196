package dev.daff.slo.paging.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/** Which claimed triggers the dispatcher drops, by the state of their page and of the page's other triggers. */
@QuarkusTest
class StaleNotificationsTest {

    @Inject
    StaleNotifications stale;

    @Inject
    PageNotifications notifications;

    @Inject
    AgroalDataSource database;

    @ParameterizedTest(name = "page {0}, trigger tried {1} times, another trigger {2}: stale {3}")
    @CsvSource({
            "TRIGGERED,    0, PENDING,   false",
            "TRIGGERED,    1, DELIVERED, false", // a retry of a page nobody has acknowledged goes
            "ACKNOWLEDGED, 0, PENDING,   true", // somebody has it
            "RESOLVED,     0, PENDING,   false", // fired and cleared before anybody heard: the trigger, then the resolve
            "RESOLVED,     0, CANCELLED, false",
            "RESOLVED,     1, PENDING,   true", // a rate-limited channel's retry after the burn stopped
            "RESOLVED,     0, DELIVERED, true", // somebody heard of it (an escalation queued just before it cleared)
    })
    void aClaimedTriggerIsStaleOnlyWhenNobodyNeedsItAnyMore(String pageState, int attempts, String otherTrigger,
            boolean expectedStale) throws Exception {
        UUID page = page(pageState);
        try {
            Long trigger = trigger(page, PageNotification.PENDING, attempts);
            trigger(page, otherTrigger, 0);
            Set<Long> found = QuarkusTransaction.requiringNew()
                    .call(() -> stale.among(List.of(notifications.findById(trigger))));
            assertEquals(expectedStale, found.contains(trigger));
        } finally {
            // Not left for the running dispatcher, whose clock other tests move on by hours.
            try (Connection connection = database.getConnection();
                    PreparedStatement delete = connection.prepareStatement("delete from page where id = ?")) {
                delete.setObject(1, page);
                delete.executeUpdate();
            }
        }
    }

    private UUID page(String state) throws Exception {
        UUID id = UUID.randomUUID();
        try (Connection connection = database.getConnection(); PreparedStatement insert = connection.prepareStatement("""
                insert into page (id, dedup_key, alert_id, slo_name, service, team, kind, summary, alert, state,
                                  escalation_level, escalation_round, created_at, routed_at)
                values (?, ?, 'a', 'dns', 'dns', 'sre-stale', 'BURN_RATE', 'burn', '{}', ?, 0, 0, ?, ?)""")) {
            Timestamp routed = Timestamp.from(Instant.now().minusSeconds(60));
            insert.setObject(1, id);
            insert.setString(2, "stale:" + id);
            insert.setString(3, state);
            insert.setTimestamp(4, routed);
            insert.setTimestamp(5, routed);
            insert.executeUpdate();
        }
        return id;
    }

    private Long trigger(UUID page, String status, int attempts) {
        return QuarkusTransaction.requiringNew().call(() -> {
            PageNotification notification = new PageNotification();
            notification.pageId = page;
            notification.action = "trigger";
            notification.recipient = "bob";
            notification.channelRef = "team:sre-stale/" + UUID.randomUUID();
            notification.channelType = "webhook";
            notification.endpoint = "http://127.0.0.1:9/stale";
            notification.body = "{}";
            notification.status = status;
            notification.attempts = attempts;
            notification.createdAt = Instant.now();
            notification.nextAttemptAt = Instant.now().plusSeconds(3_600); // never due for the running dispatcher
            notifications.persist(notification);
            return notification.id;
        });
    }
}
