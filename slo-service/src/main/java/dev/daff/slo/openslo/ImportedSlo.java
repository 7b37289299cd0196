package dev.daff.slo.openslo;

import java.util.List;
import java.util.Map;

import dev.daff.slo.definition.SloApi.SloRequest;

/**
 * One SLO an upload defines: its definition in daff's terms, the document it came from, and what of the document
 * daff keeps no trace of (a metric source it does not query, a notification target its on-call replaces).
 * {@code origins} says which field of the document each of the request's properties came from, so that a check made
 * later (the service's own, beyond bean validation) refuses at the field a person can fix.
 */
record ImportedSlo(Refusals.Source source, SloRequest request, List<String> notes, Field document,
        Map<String, Field> origins) {

    /** Refuses {@code property} (a request property, "exhaustionAlerts.rateWindow") at the field it came from. */
    void refuse(String property, String reason) {
        Field origin = origins.getOrDefault(property, document);
        origin.refuse((origin == document ? property + " " : "") + reason);
    }

    String name() {
        return request.name();
    }
}
