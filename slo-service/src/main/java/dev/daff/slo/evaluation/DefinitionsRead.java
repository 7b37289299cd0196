package dev.daff.slo.evaluation;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/**
 * A replica is ready once its evaluator has read the SLO definitions: it can then evaluate what it comes to own.
 * They are read at start-up on a thread of their own, beside the rest of the boot (Kafka clients, the HTTP server)
 * instead of before it: with 10,000 SLOs that is most of a second. A database that does not answer yet is tried
 * again at the next evaluation tick, and the replica stays unready until then.
 */
@Readiness
@ApplicationScoped
class DefinitionsRead implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(DefinitionsRead.class);

    private final SloEvaluator evaluator;

    DefinitionsRead(SloEvaluator evaluator) {
        this.evaluator = evaluator;
    }

    /** First of the start-up observers: before the messaging channels (priority 1,000) spend half a second connecting. */
    void readAtStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent startup) {
        Thread reader = new Thread(() -> {
            long started = System.nanoTime();
            try {
                evaluator.readDefinitions();
                LOG.infof("read the SLO definitions in %d ms", (System.nanoTime() - started) / 1_000_000);
            } catch (RuntimeException e) {
                LOG.warnf("SLO definitions not read at start-up (the next evaluation tick tries again): %s", e.getMessage());
            }
        }, "daff-slo-definitions");
        reader.setDaemon(true);
        reader.start();
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("slo-definitions").status(evaluator.definitionsRead()).build();
    }
}
