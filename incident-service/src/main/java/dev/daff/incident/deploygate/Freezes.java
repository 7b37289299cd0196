package dev.daff.incident.deploygate;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

/** Freeze windows ({@code deploy_freeze}). */
@ApplicationScoped
public class Freezes implements PanacheRepositoryBase<Freeze, String> {

    /** Freezes in force at {@code at} that cover {@code service}. */
    public List<Freeze> coveringAt(String service, Instant at) {
        return list("startsAt <= ?1 and endsAt > ?1 order by endsAt desc, id", at).stream()
                .filter(freeze -> freeze.covers(service, at)).toList();
    }

    /** Freezes not over yet at {@code at}, soonest first. */
    public List<Freeze> notOverAt(Instant at) {
        return list("endsAt > ?1 order by startsAt, id", at);
    }
}
