package dev.daff.slo.paging.delivery;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;

import org.hibernate.annotations.DynamicUpdate;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import dev.daff.slo.paging.secrets.Keyring;

/**
 * One message for one channel, delivered by {@link PageDispatcher}. Updates write only the columns changed: a
 * delivery's record reads the row unlocked, and writing all of it back would undo a secret re-sealed meanwhile
 * ({@code SecretRotation}) — under a key about to be removed, a notification that could never be sent again.
 */
@Entity
@DynamicUpdate
@Table(name = "page_notification")
public class PageNotification extends PanacheEntityBase {

    public static final String PENDING = "PENDING";
    public static final String DELIVERED = "DELIVERED";
    public static final String FAILED = "FAILED";
    /** Not sent: its page was acknowledged or resolved, or moved on to another round, before it went out. */
    public static final String CANCELLED = "CANCELLED";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    /** The page it belongs to; null for a team notice (action {@code notice}). */
    public UUID pageId;
    /** trigger, resolve, acknowledge, or notice (a team notice: follow-up reminder or weekly report). */
    public String action;
    public String recipient;
    /**
     * The team channel it goes to ({@code <member>/<n>} or {@code team/<n>}; a team notice {@code team:<team>/<n>};
     * {@code legacy/<id>} for rows from before V11): what keeps one channel's notifications of a page in order,
     * without comparing secrets.
     */
    public String channelRef;
    public String channelType;
    /** The URL for PagerDuty and webhooks; empty for Slack, whose URL is the secret. */
    public String endpoint;
    /** Where it is sent, as {@link DeliveryLanes} groups attempts; null for rows queued before V19. */
    public String lane;
    /** The routing key, Slack URL or webhook signing secret, sealed ({@code Keyring}); opened only to send. */
    public String secret;
    /** The request body; a PagerDuty body gets its {@code routing_key} only when it is sent. */
    public String body;
    public String status;
    public int attempts;
    public Instant nextAttemptAt;
    public Instant createdAt;
    public Instant deliveredAt;
    /** When a sender was first handed it: from then on it may have reached its channel, whatever attempts says. */
    public Instant firstClaimedAt;
    /** Whether the claim that leased it set {@link #firstClaimedAt}: not stored, what a give-back undoes. */
    @Transient
    boolean firstClaimedNow;

    /**
     * Leased to this replica for one attempt until {@code now + lease}, as stored (PostgreSQL keeps microseconds):
     * the attempt's outcome is recorded only while the lease is still this one.
     */
    void claim(Instant now, Duration lease) {
        nextAttemptAt = now.plus(lease).truncatedTo(ChronoUnit.MICROS);
        firstClaimedNow = firstClaimedAt == null;
        if (firstClaimedNow) {
            firstClaimedAt = now;
        }
    }
}
