package dev.daff.incident.washup;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * One person a washup review names. The reviewer who recorded the review is confirmed at once; anyone else they
 * named is pending, known only by name, until that person confirms with their own token, which binds the subject.
 */
@Entity
@Table(name = "washup_reviewer")
public class WashupReviewer extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public UUID incidentId;
    public int position;
    /** The display name ({@code preferred_username}) the review named, or the recorder's. */
    public String name;
    /** Who confirmed ({@code sub}); null while pending. */
    public String subject;
    public Instant confirmedAt;

    boolean confirmed() {
        return confirmedAt != null;
    }
}
