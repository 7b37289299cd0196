package dev.daff.slo.history;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import dev.daff.kit.security.Roles;
import dev.daff.slo.history.HistoryApi.SloHistory;

/** Budget remaining and burn per alert window at each step, for charts. */
@Path("/api/slos/{name}/history")
@Produces(MediaType.APPLICATION_JSON)
public class SloHistoryResource {

    private final SloHistoryService history;

    public SloHistoryResource(SloHistoryService history) {
        this.history = history;
    }

    /**
     * {@code from}/{@code to}: ISO-8601 instants (default: one SLO window up to now); {@code step}: ISO-8601
     * duration or seconds, whole minutes (default: the smallest that gives at most 500 points).
     */
    @GET
    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    public SloHistory history(@PathParam("name") String name, @QueryParam("from") String from,
            @QueryParam("to") String to, @QueryParam("step") String step) {
        return history.history(name, from, to, step);
    }
}
