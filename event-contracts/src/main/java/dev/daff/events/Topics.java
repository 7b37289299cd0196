package dev.daff.events;

/** The Kafka topics daff services talk over. Code and tests use these constants, never string copies. */
public final class Topics {

    /** SLI observations {@link SliEvent}, key = SLO name; partitions decide which replica owns an SLO. */
    public static final String SLI_EVENTS = "daff.sli-events";
    /** SLI observations that were rejected, with the reason in a header, so nothing is silently dropped. */
    public static final String SLI_EVENTS_DEAD_LETTER = "daff.sli-events.dead-letter";
    /** {@link AlertEvent}s from slo-service, key = SLO name. */
    public static final String SLO_ALERTS = "daff.slo-alerts";
    /** {@link IncidentEvent}s from incident-service, key = incident id. */
    public static final String INCIDENT_EVENTS = "daff.incident-events";
    /** {@link ActionEvent}s from action-service, key = incident id. */
    public static final String ACTION_EVENTS = "daff.action-events";
    /** {@link ChangeEvent}s from CI/CD systems, key = service name. */
    public static final String CHANGE_EVENTS = "daff.change-events";
    /** {@link SloBudgetSnapshot}s from slo-service, key = SLO name; compacted: the newest per SLO is what counts. */
    public static final String SLO_BUDGETS = "daff.slo-budgets";

    /**
     * {@link TeamNotice}s from action-service (follow-up reminders, the weekly report), key = team; slo-service
     * delivers them to the team's own channels at low urgency, never to PagerDuty.
     */
    public static final String TEAM_NOTICES = "daff.team-notices";

    private Topics() {
    }
}
