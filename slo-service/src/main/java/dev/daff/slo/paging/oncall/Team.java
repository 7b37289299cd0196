package dev.daff.slo.paging.oncall;

import java.time.Instant;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

@Entity
@Table(name = "team")
public class Team extends PanacheEntityBase {

    @Id
    public String name;
    /** {@link TeamDefinition} as JSON, secrets included: never returned as stored. */
    public String definition;
    public Instant updatedAt;
    @Version
    public long version;
}
