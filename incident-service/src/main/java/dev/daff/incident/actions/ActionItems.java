package dev.daff.incident.actions;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;

/** The follow-up actions action-service announced, one row per action ({@link ActionEventsConsumer} writes them). */
@ApplicationScoped
public class ActionItems implements PanacheRepositoryBase<ActionItem, UUID> {

    /** The SCOPE that stops the class of problem elsewhere too. */
    public static final String SYSTEMIC = "SYSTEMIC";
    public static final String DONE = "DONE";
    public static final String WONT_DO = "WONT_DO";

    /** An action as the read model knows it. */
    public record ActionView(UUID actionId, UUID incidentId, String title, String kind, String status, Instant doneAt) {
    }

    /** The SYSTEMIC actions of these incidents (WASHUP actions are never systemic), done ones first, then by title. */
    public List<ActionView> systemicOf(Collection<UUID> incidentIds) {
        if (incidentIds.isEmpty()) {
            return List.of();
        }
        return list("scope = ?1 and incidentId in ?2", Sort.by("incidentId").and("doneAt").and("title"), SYSTEMIC,
                incidentIds).stream().map(ActionItems::view).toList();
    }

    /** The SYSTEMIC actions of the incidents detected in [from, to). */
    public List<ActionView> systemicOfDetectedIn(Instant from, Instant to) {
        return list("scope = ?1 and incidentId in (select i.id from Incident i where i.detectedAt >= ?2"
                + " and i.detectedAt < ?3)", Sort.by("doneAt").and("title"), SYSTEMIC, from, to)
                .stream().map(ActionItems::view).toList();
    }

    static ActionView view(ActionItem a) {
        return new ActionView(a.actionId, a.incidentId, a.title, a.kind, a.status, a.doneAt);
    }
}
