package dev.daff.incident.changes;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.OrderColumn;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One service in the catalog: its owning team and the services it calls or runs on. */
@Entity
@Table(name = "catalog_service")
public class CatalogEntry extends PanacheEntityBase {

    @Id
    public String name;
    public String team;
    public boolean shared;
    /** Where a responder may ask this service's pipeline to roll a change back (signed POST); null: none. */
    public String rollbackHook;
    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "catalog_dependency", joinColumns = @JoinColumn(name = "service"))
    @OrderColumn(name = "position")
    @Column(name = "depends_on")
    public List<String> dependsOn = new ArrayList<>();
    public Instant updatedAt;
    /** Display name; {@link #updatedBySubject} is who it was. */
    public String updatedBy;
    public String updatedBySubject;
}
