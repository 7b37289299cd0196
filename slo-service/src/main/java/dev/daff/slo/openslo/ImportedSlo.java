package dev.daff.slo.openslo;

import java.util.List;

import dev.daff.slo.definition.SloApi.SloRequest;

/**
 * One SLO an upload defines: its definition in daff's terms, the document it came from, and what of the document
 * daff keeps no trace of (a metric source it does not query, a notification target its on-call replaces).
 */
record ImportedSlo(Refusals.Source source, SloRequest request, List<String> notes) {

    String name() {
        return request.name();
    }
}
