package dev.daff.incident.review;

import java.time.Instant;
import java.time.DateTimeException;
import java.time.format.DateTimeParseException;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import dev.daff.incident.review.MetaReviewApi.MetaReview;
import dev.daff.kit.json.IsoInstants;
import dev.daff.kit.problem.ProblemException;
import dev.daff.kit.security.Roles;

@Path("/api/meta-review")
@Produces(MediaType.APPLICATION_JSON)
public class MetaReviewResource {

    private final MetaReviewService review;

    public MetaReviewResource(MetaReviewService review) {
        this.review = review;
    }

    @RolesAllowed({ Roles.VIEWER, Roles.RESPONDER, Roles.ADMIN })
    @GET
    public MetaReview review(@QueryParam("from") String from, @QueryParam("to") String to) {
        return review.review(instant("from", from), instant("to", to));
    }

    /** Within the years 0001 to 9999: Java reads instants a billion years away, whose periods cannot be worked out. */
    private static Instant instant(String name, String text) {
        try {
            return text == null ? null : IsoInstants.parseInYears(text);
        } catch (DateTimeParseException e) {
            throw ProblemException.invalidField(name, "must be an ISO-8601 instant such as 2024-05-01T00:00:00Z");
        } catch (DateTimeException e) {
            throw ProblemException.invalidField(name, "must be in the years 0001 to 9999");
        }
    }
}
