package dev.daff.slo.paging.pages;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.events.AlertEvent;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * One PAGE alert episode reaching people. Acknowledge, resolve and escalation lock the row before they change it,
 * so none of them overwrites another's newer state; {@link #version} fails any writer that did not.
 */
@Entity
@Table(name = "page")
public class Page extends PanacheEntityBase {

    public static final String TRIGGERED = "TRIGGERED";
    public static final String ACKNOWLEDGED = "ACKNOWLEDGED";
    public static final String RESOLVED = "RESOLVED";

    @Id
    public UUID id;
    public String dedupKey;
    public String alertId;
    public String sloName;
    public String service;
    public String team;
    public String kind;
    public String tier;
    public String summary;
    /** The AlertFired event as JSON: what the generic webhook carries. */
    public String alert;
    public String state;
    public String primaryHandle;
    public int escalationLevel;
    public int escalationRound;
    public Instant nextEscalationAt;
    public Instant createdAt;
    public Instant acknowledgedAt;
    /** Who acknowledged, as people read it ({@code preferred_username}). */
    public String acknowledgedBy;
    /** Who acknowledged, as the identity provider knows them ({@code sub}): stable across renames. */
    public String acknowledgedBySubject;
    public Instant resolvedAt;
    /** Who resolved it by hand once its alert had cleared; null when the alert's clearing resolved it. */
    public String resolvedBy;
    /** When an acknowledged page whose alert still fires is re-opened (the team's reackAfter); null otherwise. */
    public Instant reackDueAt;
    /** How often the page began another round: re-opened, or given with its SLO to another team while triggered. */
    public int reopenedCount;
    /** Why the page was last re-opened; every notification sent after says so. */
    public String reopenReason;
    /**
     * When its current round of paging began: fired, re-opened, or moved with its SLO to another team. Triggers queued
     * before are not sent any more and do not count as heard. Null on pages from before V22.
     */
    public Instant routedAt;
    @Version
    public long version;

    /** A new TRIGGERED page for a PAGE alert that fired, to go to {@code team}, nobody notified yet. */
    static Page firing(AlertEvent alert, String team, String payload, Instant now) {
        Page page = new Page();
        page.id = UUID.randomUUID();
        page.dedupKey = alert.dedupKey();
        page.alertId = alert.alertId();
        page.sloName = alert.slo();
        page.service = alert.service();
        page.team = team;
        page.kind = alert.kind();
        page.tier = alert.tier();
        page.summary = PageMessages.summary(alert);
        page.alert = payload;
        page.state = TRIGGERED;
        page.createdAt = now;
        page.routedAt = now;
        return page;
    }

    /**
     * The record of an episode whose AlertResolved came before its AlertFired was applied (dead-lettered, to be
     * replayed): resolved, nobody told. The AlertFired, when it comes, finds it and wakes nobody for what is over.
     */
    static Page resolvedBeforePaged(AlertEvent resolved, String payload, Instant now) {
        Page page = firing(resolved, resolved.team(), payload, now);
        page.state = RESOLVED;
        page.resolvedAt = now;
        return page;
    }

    /** The alert this page fired for, as it was consumed. */
    AlertEvent firedAlert(ObjectMapper json) {
        try {
            return json.readValue(alert, AlertEvent.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the page's stored alert is unreadable", e);
        }
    }
}
