package dev.daff.slo.paging.pages;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import dev.daff.events.AlertEvent;
import dev.daff.kit.messaging.IdempotentConsumer;
import dev.daff.kit.messaging.IdempotentConsumer.Subscription;
import dev.daff.slo.evaluation.AlertQueries;
import io.smallrye.common.annotation.Blocking;

/** SLO alerts (topic daff.slo-alerts) on their way to pages. */
@ApplicationScoped
public class PageAlertsConsumer {

    /** The channel (topic daff.slo-alerts) in application.properties. */
    public static final String CHANNEL = "paging-alerts";
    static final Subscription<AlertEvent> SUBSCRIPTION = Subscription.of("slo-service/paging-alerts", AlertEvent.class,
            AlertEvent.CURRENT_VERSION, Set.of(AlertEvent.FIRED, AlertEvent.RESOLVED));

    private static final Logger LOG = Logger.getLogger(PageAlertsConsumer.class);

    private final IdempotentConsumer consumer;
    private final Pager pager;
    private final AlertQueries alerts;

    public PageAlertsConsumer(IdempotentConsumer consumer, Pager pager, AlertQueries alerts) {
        this.consumer = consumer;
        this.pager = pager;
        this.alerts = alerts;
    }

    @Incoming(CHANNEL)
    @Blocking
    public void onAlert(String payload) {
        consumer.consume(SUBSCRIPTION, payload, alert -> {
            // An AlertFired replayed (from its dead-letter topic) after its episode resolved: its AlertResolved found
            // no page, so a page opened now would wake someone for what is over, and nothing would ever resolve it.
            if (AlertEvent.FIRED.equals(alert.type()) && alert.dedupKey() != null && alerts.over(alert.dedupKey())) {
                LOG.infof("alert %s is over already; its AlertFired came after it resolved and is not paged",
                        alert.dedupKey());
                return;
            }
            pager.apply(alert, payload);
        });
    }
}
