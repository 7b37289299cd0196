package dev.daff.incident.lifecycle;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import dev.daff.kit.problem.ProblemException;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class Incidents implements PanacheRepositoryBase<Incident, UUID> {

    /** The incident, or the 404 every API answers for an unknown one. */
    public Incident require(UUID id) {
        return findByIdOptional(id).orElseThrow(() -> ProblemException.notFound("incident", id.toString()));
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
     * The oldest unresolved incident that covers {@code service} (ignoring case): the one a new alert for it joins.
     * Waits first for any other transaction that asked the same (until it commits), so that two alerts for one
     * service handled at once by two replicas (their SLOs' partitions) open one incident, the second joining it.
     */
    public Optional<Incident> openFor(String service) {
        getEntityManager().createNativeQuery("select pg_advisory_xact_lock(hashtextextended(lower(?1), 0))")
                .setParameter(1, "incident-for-service\n" + ServiceNames.tidy(service)).getSingleResult();
        return openCovering(List.of(service)).stream().findFirst();
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
