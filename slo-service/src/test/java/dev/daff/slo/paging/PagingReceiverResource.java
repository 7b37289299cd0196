package dev.daff.slo.paging;

import java.util.Map;

import dev.daff.localinfra.RecordingReceiver;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** The stand-in for PagerDuty and teams' webhooks, started once for the module's tests. */
public class PagingReceiverResource implements QuarkusTestResourceLifecycleManager {

    static volatile RecordingReceiver receiver;

    @Override
    public Map<String, String> start() {
        receiver = RecordingReceiver.start();
        return Map.of("daff.paging.pagerduty-url", receiver.url("/pagerduty"),
                // Short enough that the stalled-receiver test is quick, long enough for a loaded 2-core machine.
                "daff.paging.delivery-timeout", "PT3S",
                // Tests drive escalation and delivery themselves with a simulated clock.
                "daff.paging.escalation-check-every", "off",
                "daff.paging.dispatch-every", "off");
    }

    @Override
    public void stop() {
        if (receiver != null) {
            receiver.close();
        }
    }
}
