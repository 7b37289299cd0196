package dev.daff.incident.finalisation;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** The gate's state for one incident: whether it is finalisable now, and the waiver if one was approved. */
@Entity
@Table(name = "finalisation")
public class Finalisation extends PanacheEntityBase {

    @Id
    public UUID incidentId;
    public boolean finalisable;
    /** When the incident last became finalisable (and the timeline said so); null while it is not. */
    public Instant readySince;
    public String waiverReason;
    public String waiverApprovedBy;
    public String waiverRecordedBy;
    public Instant waiverRecordedAt;

    boolean waived() {
        return waiverRecordedAt != null;
    }
}
