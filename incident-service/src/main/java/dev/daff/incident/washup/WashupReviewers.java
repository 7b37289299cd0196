package dev.daff.incident.washup;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;

@ApplicationScoped
public class WashupReviewers implements PanacheRepositoryBase<WashupReviewer, Long> {

    /** The washup's reviewers, the recorder first, then the others in the order the review named them. */
    List<WashupReviewer> of(UUID incidentId) {
        return list("incidentId", Sort.by("position"), incidentId);
    }
}
