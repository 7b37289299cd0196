package dev.daff.slo.paging.pages;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** What the pages API reads and answers. */
public final class PageApi {

    private PageApi() {
    }

    public record AttemptView(int attempt, Instant at, Integer statusCode, String error, long durationMs) {
    }

    /** One notification; endpoints of PagerDuty and Slack channels are secrets and not shown. */
    public record NotificationView(long id, String action, String recipient, String channel, String status, int attempts,
            Instant createdAt, Instant deliveredAt, List<AttemptView> deliveryLog) {
    }

    public record PageView(UUID id, String dedupKey, String alertId, String slo, String service, String team, String kind,
            String tier, String summary, String state, String primary, int escalationLevel, int escalationRound,
            Instant nextEscalationAt, Instant createdAt, Instant acknowledgedAt, String acknowledgedBy,
            String acknowledgedBySubject, Instant resolvedAt, List<NotificationView> notifications, String resolvedBy,
            int reopenedCount, String reopenReason, Instant reackDueAt) {
    }

    /**
     * The acknowledger is the token's user: {@code acknowledgedBySubject} its {@code sub} (who it is),
     * {@code acknowledgedBy} its display name (what people read); a {@code by} in the body is ignored.
     */
    public record Acknowledgement(String by) {
    }
}
