package dev.daff.slo.paging.delivery;

import java.net.URI;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Keeps receivers that hang from taking every delivery worker of a replica. Notifications go in lanes by where they
 * are sent — a webhook's host, Slack, PagerDuty — and one lane holds at most half the workers at once, or one while
 * its last attempt timed out. A chat outage in an alert storm, or one team's many channels behind one
 * stalled host, then leaves workers for every other page: without lanes, eight hanging attempts (and their retries,
 * which keep their early place in the queue) held every page behind them for a deadline each.
 */
final class DeliveryLanes {

    /** Longest lane name stored ({@code page_notification.lane}). */
    static final int MAX_LENGTH = 300;

    private final int limit;
    private final Map<String, Integer> inFlight = new HashMap<>();
    /** Lanes whose last attempt timed out. */
    private final Set<String> unanswering = new HashSet<>();

    DeliveryLanes(int workers) {
        this.limit = Math.max(1, workers / 2);
    }

    /** The lane of a notification to {@code endpoint} over a channel of {@code channelType}. */
    static String of(String channelType, String endpoint) {
        if (!"webhook".equals(channelType) || endpoint == null) {
            return channelType; // Slack's URL is its secret, PagerDuty's one endpoint: each is one receiver
        }
        try {
            URI uri = URI.create(endpoint);
            String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
            String lane = "webhook " + host + ":" + uri.getPort();
            return lane.length() > MAX_LENGTH ? lane.substring(0, MAX_LENGTH) : lane;
        } catch (IllegalArgumentException e) {
            return channelType; // never sent anyway: the attempt fails as an invalid URL
        }
    }

    /** The lane of a queued notification; rows queued before lanes were stored go by their channel type. */
    static String of(PageNotification notification) {
        return notification.lane != null ? notification.lane : notification.channelType;
    }

    /** Lanes that can take no more attempts now: what a claim leaves out. */
    synchronized String[] full() {
        return inFlight.keySet().stream().filter(lane -> room(lane) <= 0).toArray(String[]::new);
    }

    /** How many more attempts the lane may start now. */
    synchronized int room(String lane) {
        int allowed = unanswering.contains(lane) ? 1 : limit;
        return allowed - inFlight.getOrDefault(lane, 0);
    }

    synchronized void started(String lane) {
        inFlight.merge(lane, 1, Integer::sum);
    }

    /** An attempt in the lane ended; {@code answered} whether it ended before its deadline, whatever the answer. */
    synchronized void ended(String lane, boolean answered) {
        inFlight.computeIfPresent(lane, (key, count) -> count == 1 ? null : count - 1);
        if (answered) {
            unanswering.remove(lane);
        } else {
            unanswering.add(lane);
        }
    }
}
