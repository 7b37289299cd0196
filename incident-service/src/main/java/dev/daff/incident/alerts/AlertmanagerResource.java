package dev.daff.incident.alerts;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.daff.incident.alerts.AlertmanagerApi.Notification;
import dev.daff.incident.alerts.AlertmanagerApi.Outcome;
import dev.daff.kit.security.Roles;

/**
 * Alertmanager's webhook receiver (payload version "4"). Point a receiver at it with
 * {@code http_config.authorization} carrying a token with the ingest role.
 */
@Path("/api/integrations/alertmanager")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class AlertmanagerResource {

    private final AlertmanagerIntake intake;

    public AlertmanagerResource(AlertmanagerIntake intake) {
        this.intake = intake;
    }

    @POST
    @RolesAllowed({ Roles.INGEST, Roles.ADMIN })
    public Outcome receive(@NotNull @Valid Notification notification) {
        return intake.fromAlertmanager(notification);
    }
}
