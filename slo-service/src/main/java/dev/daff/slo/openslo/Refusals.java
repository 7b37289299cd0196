package dev.daff.slo.openslo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.daff.kit.problem.Problem;
import dev.daff.kit.problem.ProblemException;

/**
 * Everything daff cannot honour in one upload, gathered so that one answer names all of it: the document (its
 * position, 1 for the first, its kind and name), the field path inside it, and why.
 */
final class Refusals {

    /** One document of the upload, as refusals name it. */
    record Source(int document, String kind, String name) {
    }

    private final List<Map<String, Object>> refusals = new ArrayList<>();

    void refuse(Source source, String path, String reason) {
        Map<String, Object> refusal = new LinkedHashMap<>();
        refusal.put("document", source.document());
        refusal.put("kind", source.kind());
        refusal.put("name", source.name());
        refusal.put("path", path.isEmpty() ? "(document)" : path);
        refusal.put("reason", reason);
        refusals.add(refusal);
    }

    boolean any() {
        return !refusals.isEmpty();
    }

    /** 422 problem+json listing every refusal; nothing of the upload is stored. */
    ProblemException problem() {
        Map<String, Object> first = refusals.get(0);
        String detail = "Nothing was imported: " + refusals.size() + (refusals.size() == 1 ? " problem" : " problems")
                + ". First: document " + first.get("document") + " (" + first.get("kind") + " '" + first.get("name")
                + "') " + first.get("path") + ": " + first.get("reason");
        List<Problem.FieldError> errors = refusals.stream()
                .map(r -> new Problem.FieldError("document " + r.get("document") + " (" + r.get("kind") + " '"
                        + r.get("name") + "') " + r.get("path"), (String) r.get("reason")))
                .toList();
        return new ProblemException(422, "openslo-refused", "OpenSLO documents refused", detail, errors)
                .with("refusals", List.copyOf(refusals));
    }
}
