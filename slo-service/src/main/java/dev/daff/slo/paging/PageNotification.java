package dev.daff.slo.paging;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One message for one channel, delivered by {@link PageDispatcher}. */
@Entity
@Table(name = "page_notification")
public class PageNotification extends PanacheEntityBase {

    public static final String PENDING = "PENDING";
    public static final String DELIVERED = "DELIVERED";
    public static final String FAILED = "FAILED";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public UUID pageId;
    /** trigger or resolve. */
    public String action;
    public String recipient;
    public String channelType;
    public String endpoint;
    public String secret;
    public String body;
    public String status;
    public int attempts;
    public Instant nextAttemptAt;
    public Instant createdAt;
    public Instant deliveredAt;
}
