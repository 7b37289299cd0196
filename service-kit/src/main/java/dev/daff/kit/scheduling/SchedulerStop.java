package dev.daff.kit.scheduling;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduler;

/**
 * Fires no scheduled job once a service begins to stop. The scheduler itself stops only when the container is
 * destroyed, after the database has gone: every job that fired in between (an evaluation tick, an escalation round)
 * failed on a closed EntityManagerFactory and logged an ERROR with its stack trace on each rolling restart. A job
 * already running finishes; what a skipped one would have done is done by the replica that goes on.
 */
@ApplicationScoped
class SchedulerStop {

    private final Scheduler scheduler;

    SchedulerStop(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    void pauseAll(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent shutdown) {
        scheduler.pause();
    }
}
