package dev.daff.incident.washup;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import dev.daff.kit.problem.ProblemException;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** The washup of one incident: a DRAFT people edit, frozen once REVIEWED. */
@Entity
@Table(name = "washup")
public class Washup extends PanacheEntityBase {

    @Id
    public UUID incidentId;
    @Enumerated(EnumType.STRING)
    public WashupStatus status;
    /** An edit and a review that overlap: the later one to commit is 409 stale-update, not a silent overwrite. */
    @Version
    public long version;
    public String summary;
    public String impact;
    public String trigger;
    public String rootCause;
    @JdbcTypeCode(SqlTypes.JSON)
    public List<String> whys = new ArrayList<>();
    public String oneMoreWhy;
    @JdbcTypeCode(SqlTypes.JSON)
    public List<String> wentWell = new ArrayList<>();
    @JdbcTypeCode(SqlTypes.JSON)
    public List<String> wentWrong = new ArrayList<>();
    @JdbcTypeCode(SqlTypes.JSON)
    public List<String> gotLucky = new ArrayList<>();
    public String detection;
    /** Asked only of a recurrence: why the earlier incident's done SYSTEMIC fix did not stop this one. */
    public String whyFixDidNotHold;
    public Instant updatedAt;
    /** Display name; {@link #updatedBySubject} is who it was. */
    public String updatedBy;
    public String updatedBySubject;
    public Instant reviewedAt;
    /** The reviewer who recorded the review (display name); {@link #reviewedBySubject} is who it was. */
    public String reviewedBy;
    public String reviewedBySubject;
    /** When a reopen of the incident sent this washup, reviewed, back to draft ({@link ReopenedWashups}). */
    public Instant reopenedAt;

    /**
     * Refuses a change made from an older read of this washup ({@code versionRead} null: the client did not say what
     * it read, and its PUT replaces what is there): two people editing one draft, the second PUT silently dropped
     * what the first added, and a review could be of a root cause its reviewer never read.
     */
    void requireRead(Long versionRead) {
        if (versionRead != null && versionRead != version) {
            throw ProblemException.conflict("stale-update", "Stale update", "Someone else changed this washup since you"
                    + " read it (version " + versionRead + "; it is at " + version + " now). Read it again and reapply"
                    + " your change.");
        }
    }
}
