package dev.daff.slo.paging.delivery;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.kit.http.BoundedExchange;
import dev.daff.kit.http.NetworkFailures;
import dev.daff.kit.http.OutboundAddresses;
import dev.daff.kit.security.WebhookSignature;
import dev.daff.slo.paging.HostLookup;
import dev.daff.slo.paging.PagingConfig;
import dev.daff.slo.paging.secrets.Keyring;

/**
 * Sends one notification over HTTP with a hard deadline that covers connecting, the headers and the body. Channel
 * secrets are opened here, for the one request, and never stored or logged in the clear. What the delivery log keeps
 * of a failure is its category ({@link #category}: "timeout", "connection refused", "HTTP 500", ...), which every
 * viewer may read; the detail (exception messages, with the channel's secrets blanked) goes to the server log only.
 */
@ApplicationScoped
public class ChannelSender {

    private static final Logger LOG = Logger.getLogger(ChannelSender.class);

    /**
     * What one attempt came to: the HTTP status if any answer came, else the failure's category; {@code retryAfter}
     * is how long the channel asked to be left alone (its {@code Retry-After}), null when it did not say.
     */
    record Attempt(Instant at, Integer status, String error, boolean retryable, long durationMs, Duration retryAfter) {

        Attempt(Instant at, Integer status, String error, boolean retryable, long durationMs) {
            this(at, status, error, retryable, durationMs, null);
        }
    }

    private final PagingConfig config;
    private final OutboundAddresses outbound;
    private final Keyring keyring;
    private final ObjectMapper json;
    private final Clock clock;
    private volatile HttpClient http;
    /** Names the notification a webhook request delivers; its retries carry the same value. */
    static final String DELIVERY_HEADER = "X-Daff-Delivery";

    public ChannelSender(PagingConfig config, Keyring keyring, ObjectMapper json, Clock clock, HostLookup hostLookup) {
        this.config = config;
        this.keyring = keyring;
        this.json = json;
        this.clock = clock;
        this.outbound = new OutboundAddresses(config.allowedHosts().orElse(List.of()), "daff.paging.allowed-hosts",
                hostLookup);
    }

    /** One attempt to send the notification, within its deadline; never throws for a failure of the channel. */
    Attempt send(PageNotification notification) {
        Instant started = clock.instant();
        long begin = System.nanoTime();
        Integer status = null;
        String error = null;
        boolean retry = true;
        Duration deadline = deadline(config.deliveryTimeout(), notification.attempts);
        Duration retryAfter = null;
        List<String> secrets = new ArrayList<>(2);
        try {
            String secret = keyring.open(notification.secret);
            if (secret != null) {
                secrets.add(secret);
            }
            String endpoint = "slack".equals(notification.channelType) ? secret : notification.endpoint;
            // PagerDuty's endpoint is configuration; a team's own URL is checked again, as it resolves now, the
            // lookup within the attempt's deadline: a zone's silent name server is a timeout, not a stuck worker.
            Optional<String> refused = "pagerduty".equals(notification.channelType) ? Optional.empty()
                    : outbound.refusal(endpoint, deadline);
            if (refused.isPresent()) {
                throw new RefusedDestination(refused.get());
            }
            String body = "pagerduty".equals(notification.channelType)
                    ? PagerDutyRouting.withRoutingKey(json, notification.body, secret) : notification.body;
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint))
                    .timeout(deadline) // until the headers; BoundedExchange bounds the whole exchange
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if ("webhook".equals(notification.channelType)) {
                // The same on every attempt of this notification: a receiver that took one but answered after the
                // deadline gets it again (daff cannot know it arrived), and can drop the repeat by this.
                request.header(DELIVERY_HEADER, String.valueOf(notification.id));
            }
            if ("webhook".equals(notification.channelType) && secret != null) {
                byte[] signed = body.getBytes(StandardCharsets.UTF_8);
                request.header(WebhookSignature.HEADER, WebhookSignature.sign(secret, signed))
                        .header(WebhookSignature.TIMESTAMPED_HEADER, WebhookSignature.signTimestamped(secret, signed,
                                clock.instant()));
            }
            HttpResponse<Void> answer = BoundedExchange.send(http(), request.build(), begin, deadline);
            status = answer.statusCode();
            if (status < 200 || status >= 300) {
                error = "HTTP " + status;
                retryAfter = answer.headers().firstValue("Retry-After").map(value -> retryAfter(value, started))
                        .orElse(null);
            }
        } catch (TimeoutException e) {
            error = "timeout";
            LOG.infof("page notification %d (%s): no complete answer within %d ms", notification.id,
                    notification.channelType, deadline.toMillis());
        } catch (ExecutionException e) {
            error = failed(notification, e.getCause() == null ? e : e.getCause(), secrets);
        } catch (Keyring.UnreadableSecret e) {
            error = failed(notification, e, secrets);
            retry = false; // it will not open on the next attempt either: the key is gone or the value damaged
        } catch (RuntimeException e) {
            error = failed(notification, e, secrets);
            retry = !(e instanceof IllegalArgumentException); // a URL that does not parse never will; DNS may change
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        }
        long durationMs = (System.nanoTime() - begin) / 1_000_000;
        return new Attempt(started, status, error, retry && DeliveryLog.retryable(status), durationMs, retryAfter);
    }

    /**
     * The deadline of a notification's next attempt: {@code first}, then twice and three times it. A receiver that
     * takes the page but answers a little late (a cold start) is sent it again, and with one deadline for every
     * attempt it would be sent it a dozen times; a hanging one holds a worker of its lane a little longer.
     */
    static Duration deadline(Duration first, int attemptsSoFar) {
        return first.multipliedBy(Math.min(attemptsSoFar, 2) + 1L);
    }

    /** A {@code Retry-After} of seconds or an HTTP date, as a wait from {@code now}; null when it is neither. */
    static Duration retryAfter(String value, Instant now) {
        String trimmed = value.trim();
        try {
            if (trimmed.matches("\\d{1,9}")) {
                return Duration.ofSeconds(Long.parseLong(trimmed));
            }
            Duration until = Duration.between(now, ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME));
            return until.isNegative() ? Duration.ZERO : until;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** A team's URL that points where pages must not go, as it resolves now (or that does not resolve). */
    static final class RefusedDestination extends RuntimeException {
        RefusedDestination(String why) {
            super(why, null, false, false);
        }
    }

    /** Logs the detail of a failed attempt, the channel's secrets blanked, and answers its category for the log. */
    private static String failed(PageNotification notification, Throwable e, List<String> secrets) {
        String detail = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        for (String secret : secrets) {
            if (!secret.isEmpty()) {
                detail = detail.replace(secret, "***");
            }
        }
        LOG.infof("page notification %d (%s) attempt failed: %s", notification.id, notification.channelType, detail);
        return category(e);
    }

    /** The failure categories of attempts that never reached the receiver: nothing of the page was sent. */
    static final Set<String> NEVER_SENT = Set.of("connection refused", "host not found", "TLS failure",
            "destination refused", "channel secret unreadable", "invalid URL");

    /**
     * What a viewer of the delivery log learns of a failure: a category, never the exception's text or a
     * receiver's answer, which may quote a URL, a token or the inside of the network.
     */
    static String category(Throwable e) {
        String network = NetworkFailures.category(e);
        if (network != null) {
            return network;
        }
        if (e instanceof RefusedDestination) {
            return e.getMessage().contains("does not resolve") ? "host not found" : "destination refused";
        }
        if (e instanceof Keyring.UnreadableSecret) {
            return "channel secret unreadable";
        }
        if (e instanceof IllegalArgumentException) {
            return "invalid URL";
        }
        return "delivery failed";
    }

    private HttpClient http() {
        if (http == null) {
            synchronized (this) {
                if (http == null) {
                    // Never follow a redirect: a public URL must not bounce a page (and its signature) inward.
                    http = HttpClient.newBuilder().connectTimeout(config.deliveryTimeout())
                            .followRedirects(HttpClient.Redirect.NEVER).build();
                }
            }
        }
        return http;
    }
}
