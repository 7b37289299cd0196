package dev.daff.slo.paging;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/** How pages are delivered and escalated. A number out of range stops the service at its start. */
@ConfigMapping(prefix = "daff.paging")
public interface PagingConfig {

    /**
     * Hosts or addresses a team's Slack or webhook channel may point to although they are internal (loopback,
     * private, link-local, CGNAT, unique-local); empty in production unless a receiver lives inside the network.
     */
    java.util.Optional<java.util.List<String>> allowedHosts();

    /**
     * The signing secrets of daff's PagerDuty V3 webhook subscriptions (more than one while a secret is rotated);
     * without any, {@code POST /api/integrations/pagerduty} refuses everything.
     */
    java.util.Optional<java.util.List<String>> pagerdutyWebhookSecrets();

    /**
     * The signing secrets of daff's Slack app (more than one while a secret is rotated); without any,
     * {@code POST /api/integrations/slack} refuses everything.
     */
    java.util.Optional<java.util.List<String>> slackSigningSecrets();

    /** Where a Slack page's "Open incident" button leads: the daff console (its incident list for the team). */
    String consoleUrl();

    /** PagerDuty Events API v2 endpoint. */
    String pagerdutyUrl();

    /** Where links in pages point (the daff UI or API a responder can open). */
    String publicUrl();

    /**
     * The hard deadline of one delivery attempt: connecting, the answer's headers and its body. A receiver still
     * sending when it passes is cut off, and the attempt counts as a timeout (retried).
     */
    Duration deliveryTimeout();

    /** How many deliveries one replica runs at once; a channel that hangs holds up only its own notifications. */
    @WithDefault("8")
    @Min(1)
    int deliveryConcurrency();

    /** Attempts per notification before it is given up (429, 5xx and timeouts are retried). */
    @Min(1)
    int maxAttempts();

    /** First retry delay; each retry doubles it, up to {@link #retryBackoffMax}, with ±20 % jitter. */
    Duration retryBackoff();

    /**
     * The longest delay between two attempts: a channel away for minutes (PagerDuty rate-limiting an alert storm, a
     * chat outage) is tried every this long until {@link #maxAttempts} runs out, rather than at ever longer gaps.
     */
    Duration retryBackoffMax();

    /** How often due deliveries (first attempts and retries) are looked for; new pages go out at once anyway. */
    String dispatchEvery();

    /** How often unacknowledged pages are checked for escalation. */
    String escalationCheckEvery();

    /** Working hours in the schedule's time zone, for the alert-fatigue report. */
    @Min(0) @Max(23)
    int workdayStartHour();

    @Min(1) @Max(24)
    int workdayEndHour();
}
