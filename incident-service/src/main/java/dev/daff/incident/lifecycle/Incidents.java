package dev.daff.incident.lifecycle;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import dev.daff.kit.db.AdvisoryLocks;
import dev.daff.kit.problem.ProblemException;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class Incidents implements PanacheRepositoryBase<Incident, UUID> {

    /** The incident, or the 404 every API answers for an unknown one. */
    public Incident require(UUID id) {
        return findByIdOptional(id).orElseThrow(() -> ProblemException.notFound("incident", id.toString()));
    }

    /**
     * The incident, for a person to change its fields: a FINALISED one is the record the meta-review reads (its
     * severity and times make the MTTR, its services later incidents' similarity), and it stays as it was finalised.
     */
    public Incident requireChangeable(UUID id) {
        Incident incident = require(id);
        if (incident.status == IncidentStatus.FINALISED) {
            throw ProblemException.conflict("incident-finalised", "Incident finalised", "Incident " + id + " was"
                    + " finalised at " + incident.finalisedAt + ": it stays as it was; add what was learnt since as a"
                    + " note on its timeline.");
        }
        return incident;
    }

    /**
     * The incident, locked until the transaction ends: a transition takes it before anything else of the incident (the
     * finalisation row a finalise decides on, or a reopen changes), so two transitions take turns instead of
     * deadlocking.
     */
    public Incident requireLocked(UUID id) {
        return findByIdOptional(id, LockModeType.PESSIMISTIC_WRITE)
                .orElseThrow(() -> ProblemException.notFound("incident", id.toString()));
    }

    /**
     * {@code incident} read again under its row lock: waits for a transition of it in flight (a resolve) to end and
     * sees what that left, where a plain lock on an entity already read would keep the state read before.
     */
    public Incident relocked(Incident incident) {
        getEntityManager().refresh(incident, LockModeType.PESSIMISTIC_WRITE);
        return incident;
    }

    /**
     * The oldest unresolved incident that covers {@code service} (ignoring case), locked: the one a new alert for it
     * joins. Waits first for any other transaction that asked the same (until it commits), so that two alerts for one
     * service handled at once by two replicas (their SLOs' partitions) open one incident, the second joining it. One
     * being resolved right now does not take the alert (its burn is back, and needs an incident of its own), but the
     * next unresolved one does: taking the oldest alone opened a third incident beside an open second.
     */
    public Optional<Incident> openFor(String service) {
        lockService(service);
        for (Incident candidate : openCovering(List.of(service))) {
            if (relocked(candidate).status.isOpen()) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * The incident, locked for a transition to {@code to}. Moving to FIXING (a reopen, RESOLVED → FIXING, among
     * them) it is locked once each of its services is as {@link #openFor} locks it, in one order so that two callers
     * never wait for each other in a circle: a reopen makes it the incident a new alert of those services joins, so an
     * alert arriving meanwhile waits for it, as for an alert opening one. Read while the reopen was in flight, the
     * incident was still resolved, and the alert opened a second incident.
     */
    public Incident requireLockedToMove(UUID id, IncidentStatus to) {
        if (to != IncidentStatus.FIXING) {
            return requireLocked(id);
        }
        Incident incident = require(id);
        lockServices(incident.services, List.of());
        return relocked(incident);
    }

    /**
     * Takes {@link #openFor}'s lock of each of these services, in one order (each once, ignoring case), before the
     * caller locks an incident's row: a change to which services an incident covers (a PATCH, an alert of another
     * service joining it) is then waited for by an alert of those services, which otherwise, not seeing the change
     * yet, opened a second incident beside it (or joined one that no longer covered its service).
     */
    public void lockServices(Collection<String> services, Collection<String> more) {
        Set<String> sorted = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        Stream.concat(services.stream(), more.stream()).map(ServiceNames::tidy).forEach(sorted::add);
        sorted.forEach(this::lockService);
    }

    private void lockService(String service) {
        AdvisoryLocks.takeIgnoringCase(getEntityManager(), "incident-for-service\n", ServiceNames.tidy(service));
    }

    /**
     * Unresolved incidents that cover any of {@code services} (ignoring case), oldest first. In SQL with the services
     * as one array: Hibernate translates a list parameter's query again for each length, and every deploy-gate
     * decision asks this.
     */
    @SuppressWarnings("unchecked")
    public List<Incident> openCovering(Collection<String> services) {
        return services.isEmpty() ? List.of() : getEntityManager().createNativeQuery("""
                select i.* from incident i
                where i.status = any(:open)
                and exists (select 1 from incident_service s where s.incident_id = i.id
                            and lower(s.service) = any(select lower(name) from unnest(cast(:services as text[])) name))
                order by i.detected_at, i.id""", Incident.class)
                .setParameter("open", Arrays.stream(IncidentStatus.values()).filter(IncidentStatus::isOpen)
                        .map(IncidentStatus::name).toArray(String[]::new))
                .setParameter("services", services.stream().map(ServiceNames::tidy).toArray(String[]::new))
                .getResultList();
    }
}
