package dev.daff.incident.washup;

import java.time.Instant;
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

    /** Records a reviewer at {@code position} (0: who recorded the review); {@code subject} null until confirmed. */
    void add(UUID incidentId, int position, String name, String subject, Instant confirmedAt) {
        WashupReviewer reviewer = new WashupReviewer();
        reviewer.incidentId = incidentId;
        reviewer.position = position;
        reviewer.name = name;
        reviewer.subject = subject;
        reviewer.confirmedAt = confirmedAt;
        persist(reviewer);
    }
}
