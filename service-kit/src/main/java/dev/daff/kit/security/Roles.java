package dev.daff.kit.security;

/**
 * daff's roles, read from the token's {@code groups} claim. Each endpoint lists every role that may call
 * it, so the rule is visible where the endpoint is (and in the OpenAPI document).
 */
public final class Roles {

    /** Reads everything. */
    public static final String VIEWER = "daff-viewer";
    /** Works incidents: lifecycle, timeline, acknowledgements, actions, washups. */
    public static final String RESPONDER = "daff-responder";
    /** Configures daff: SLOs, teams, schedules, the service catalog. */
    public static final String ADMIN = "daff-admin";
    /** Telemetry and CI/CD pipelines: SLI events and change events only. */
    public static final String INGEST = "daff-ingest";

    private Roles() {
    }
}
