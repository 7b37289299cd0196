package dev.daff.incident.deploygate;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.daff.events.SloBudgetSnapshot;
import dev.daff.incident.lifecycle.ServiceNames;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

/** The newest budget snapshot per SLO ({@code slo_budget}); the one class that writes it. */
@ApplicationScoped
public class SloBudgets implements PanacheRepositoryBase<SloBudget, String> {

    /**
     * Keeps the snapshot unless a newer one of its SLO is stored (partitions and replicas may deliver out of order); a
     * stored one dated after {@code latestPlausible} (a clock that ran ahead) is replaced whatever its date.
     */
    @Transactional
    public void keep(SloBudgetSnapshot snapshot, Instant latestPlausible) {
        getEntityManager().createNativeQuery("""
                insert into slo_budget (slo, service, team, objective, budget_remaining, burn_rate_one_hour,
                    burn_rate_six_hours, page_firing, unacknowledged_pages, observed_at, counted_up_to)
                values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, cast(?12 as timestamptz))
                on conflict (slo) do update set service = excluded.service, team = excluded.team,
                    objective = excluded.objective, budget_remaining = excluded.budget_remaining,
                    burn_rate_one_hour = excluded.burn_rate_one_hour, burn_rate_six_hours = excluded.burn_rate_six_hours,
                    page_firing = excluded.page_firing, unacknowledged_pages = excluded.unacknowledged_pages,
                    observed_at = excluded.observed_at, counted_up_to = excluded.counted_up_to
                where slo_budget.observed_at <= excluded.observed_at or slo_budget.observed_at > ?11
                """)
                .setParameter(1, snapshot.slo()).setParameter(2, ServiceNames.tidy(snapshot.service())).setParameter(3, snapshot.team())
                .setParameter(4, snapshot.objective()).setParameter(5, snapshot.budgetRemaining())
                .setParameter(6, snapshot.burnRateOneHour()).setParameter(7, snapshot.burnRateSixHours())
                .setParameter(8, snapshot.pageFiring()).setParameter(9, snapshot.unacknowledgedPages())
                .setParameter(10, OffsetDateTime.ofInstant(snapshot.occurredAt(), ZoneOffset.UTC))
                .setParameter(11, OffsetDateTime.ofInstant(latestPlausible, ZoneOffset.UTC))
                .setParameter(12, snapshot.countedUpTo() == null ? null
                        : OffsetDateTime.ofInstant(snapshot.countedUpTo(), ZoneOffset.UTC).toString())
                .executeUpdate();
    }

    /** A deleted SLO (a tombstone on the compacted topic) is forgotten. */
    @Transactional
    public void forget(String slo) {
        deleteById(slo);
    }

    /** In SQL with the services as one array: Hibernate translates a list parameter's query again for each length. */
    @SuppressWarnings("unchecked")
    public List<SloBudget> ofServices(Collection<String> services) {
        return services.isEmpty() ? List.of() : getEntityManager().createNativeQuery(
                "select * from slo_budget where lower(service) = any(select lower(name)"
                        + " from unnest(cast(:services as text[])) name) order by slo", SloBudget.class)
                .setParameter("services", services.toArray(String[]::new))
                .getResultList();
    }
}
