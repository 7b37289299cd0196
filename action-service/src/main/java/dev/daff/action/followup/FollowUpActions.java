package dev.daff.action.followup;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class FollowUpActions implements PanacheRepositoryBase<FollowUpAction, UUID> {

    /**
     * Forgets the reminders sent about the action, so that the team it now belongs to is reminded of it as well: the
     * reminders are kept by action, kind and due date, not team, and a team given the action after it was "due soon"
     * (or after it was due) was never told at all.
     */
    void forgetRemindersOf(UUID actionId) {
        // The new owner is written first, taking the action's row: a reminder check that claimed the action meanwhile
        // (it locks the rows it claims) commits first, and its reminder row is visible here, and goes.
        flush();
        getEntityManager().createNativeQuery("delete from action_reminder where action_id = ?1")
                .setParameter(1, actionId).executeUpdate();
    }
}
