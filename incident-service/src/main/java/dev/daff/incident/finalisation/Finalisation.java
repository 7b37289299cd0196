package dev.daff.incident.finalisation;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * The gate's state for one incident: whether it is finalisable now, and the waiver if one was proposed (the
 * {@code waiverRecorded*} fields: who proposed it, when) and approved (the {@code waiverApproved*} fields).
 */
@Entity
@Table(name = "finalisation")
public class Finalisation extends PanacheEntityBase {

    @Id
    public UUID incidentId;
    public boolean finalisable;
    /** When the incident last became finalisable (and the timeline said so); null while it is not. */
    public Instant readySince;
    public String waiverReason;
    /** The approver's display name; {@link #waiverApprovedBySubject} is who they are. */
    public String waiverApprovedBy;
    public String waiverApprovedBySubject;
    public Instant waiverApprovedAt;
    /** The proposer's display name; {@link #waiverRecordedBySubject} is who they are. */
    public String waiverRecordedBy;
    public String waiverRecordedBySubject;
    public Instant waiverRecordedAt;

    /** Whether a waiver was proposed (pending or approved). */
    boolean hasWaiver() {
        return waiverRecordedAt != null;
    }

    /** Forgets the waiver, proposal and approval alike. */
    void clearWaiver() {
        waiverReason = null;
        waiverRecordedBy = null;
        waiverRecordedBySubject = null;
        waiverRecordedAt = null;
        waiverApprovedBy = null;
        waiverApprovedBySubject = null;
        waiverApprovedAt = null;
    }

    /** Whether the waiver is in force: proposed and approved. */
    boolean waived() {
        return waiverRecordedAt != null && waiverApprovedAt != null;
    }
}
