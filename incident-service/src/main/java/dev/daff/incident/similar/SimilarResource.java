package dev.daff.incident.similar;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import dev.daff.incident.similar.SimilarApi.SimilarList;
import dev.daff.kit.problem.ProblemException;
import dev.daff.kit.security.Roles;

/** "Has this happened before?": earlier incidents like this one. */
@Path("/api/incidents/{id}/similar")
@Produces(MediaType.APPLICATION_JSON)
public class SimilarResource {

    private final SimilarIncidents similar;

    public SimilarResource(SimilarIncidents similar) {
        this.similar = similar;
    }

    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    @GET
    public SimilarList similar(@PathParam("id") UUID id, @QueryParam("limit") String limit) {
        return similar.similar(id, limit(limit));
    }

    private static Integer limit(String text) {
        try {
            return text == null ? null : Integer.valueOf(text.strip());
        } catch (NumberFormatException e) {
            throw ProblemException.invalidField("limit", "must be a whole number");
        }
    }
}
