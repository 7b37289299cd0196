package dev.daff.kit.audit;

import java.time.Instant;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.RestResponse;

import dev.daff.kit.listing.NextPage;
import dev.daff.kit.listing.PageRequest;
import dev.daff.kit.problem.ProblemException;
import dev.daff.kit.security.Roles;

/**
 * Who wrote what in this service, for admins: {@code actor} is a token subject, {@code object} a {@code type:id}
 * (an entry matches when it is about that object or wrote that row), {@code from} (inclusive) and {@code to}
 * (exclusive) ISO-8601 instants; newest first, paged like every list.
 */
@Path("/api/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    private final AuditLog log;

    public AuditResource(AuditLog log) {
        this.log = log;
    }

    @GET
    @RolesAllowed(Roles.ADMIN)
    public RestResponse<List<AuditLog.Entry>> list(@QueryParam("actor") String actor, @QueryParam("object") String object,
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor, @Context UriInfo uri) {
        PageRequest page = PageRequest.of(limit, cursor);
        String type = null;
        String id = null;
        if (object != null && !object.isEmpty()) {
            int colon = object.indexOf(':');
            if (colon < 1 || colon == object.length() - 1) {
                throw ProblemException.invalidField("object", "must be type:id, such as incident:<uuid>");
            }
            type = object.substring(0, colon);
            id = object.substring(colon + 1);
        }
        Instant fromInstant = instant("from", from);
        Instant toInstant = instant("to", to);
        if (fromInstant != null && toInstant != null && !fromInstant.isBefore(toInstant)) {
            throw ProblemException.invalidField("to", "must be after from");
        }
        String subject = actor == null || actor.isEmpty() ? null : actor;
        return NextPage.answer(log.list(new AuditLog.Filter(subject, type, id, fromInstant, toInstant), page), uri);
    }

    private static Instant instant(String name, String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return dev.daff.kit.json.IsoInstants.parseInYears(text);
        } catch (java.time.DateTimeException e) {
            throw ProblemException.invalidField(name,
                    "must be an ISO-8601 instant in the years 0001 to 9999, such as 2026-01-31T12:00:00Z");
        }
    }
}
