package dev.daff.slo.evaluation;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;

/** Stored alert episodes. */
@ApplicationScoped
public class SloAlerts implements PanacheRepositoryBase<SloAlert, String> {

    /** The unresolved episode of (SLO, severity, kind), if any: there is at most one. */
    public Optional<SloAlert> active(String slo, String severity, String kind) {
        return find("sloName = ?1 and severity = ?2 and kind = ?3 and resolvedAt is null", slo, severity, kind)
                .firstResultOptional();
    }

    /** Newest first; only unresolved ones unless {@code includeResolved}; all SLOs when {@code slo} is null. */
    public List<SloAlert> list(boolean includeResolved, String slo) {
        String query = includeResolved ? "1 = 1" : "resolvedAt is null";
        Parameters parameters = new Parameters();
        if (slo != null) {
            query += " and sloName = :slo";
            parameters.and("slo", slo);
        }
        return list(query, Sort.descending("firedAt"), parameters);
    }
}
