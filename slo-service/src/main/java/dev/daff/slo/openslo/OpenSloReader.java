package dev.daff.slo.openslo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.validation.Validator;

/**
 * OpenSLO v1 documents → daff SLO definitions. Reads every document and gathers everything daff cannot honour
 * (unknown apiVersion or kind, calendar windows, time slices, threshold SLIs, …) into one refusal, so that an
 * upload is taken whole or not at all.
 */
final class OpenSloReader {

    static final String API_VERSION = "openslo/v1";
    static final Set<String> KINDS = Set.of("SLO", "SLI", "AlertPolicy", "AlertCondition", "AlertNotificationTarget",
            "Service");
    private static final Set<String> TOP = Set.of("apiVersion", "kind", "metadata", "spec");

    /** What an upload makes: the SLOs, and the other documents with the SLOs that used them. */
    record Reading(List<ImportedSlo> slos, List<Map<String, Object>> used, Refusals refusals) {
    }

    private OpenSloReader() {
    }

    /**
     * @param defaultTeam the team of SLOs that name none (no {@code daff.dev/team} annotation, no {@code team}
     *                    label); null: such SLOs are refused
     */
    static Reading read(List<Object> documents, String defaultTeam, Validator validator) {
        Upload upload = new Upload();
        List<Field> slos = new ArrayList<>();
        for (int i = 0; i < documents.size(); i++) {
            Field document = document(upload, i + 1, documents.get(i));
            if (document != null && document.source().kind().equals("SLO")) {
                slos.add(document);
            }
        }
        List<ImportedSlo> imported = new ArrayList<>();
        for (Field slo : slos) {
            SloReader.read(upload, slo, defaultTeam, validator).ifPresent(imported::add);
        }
        List<Map<String, Object>> used = upload.checkAllUsed();
        if (upload.refusals.any()) {
            throw upload.refusals.problem();
        }
        return new Reading(imported, used, upload.refusals);
    }

    /** Checks the envelope of one document and keeps it by kind and name; null when it cannot be used. */
    private static Field document(Upload upload, int index, Object body) {
        Map<?, ?> map = body instanceof Map<?, ?> m ? m : Map.of();
        String kind = map.get("kind") instanceof String k ? k : "?";
        Object metadata = map.get("metadata");
        String name = metadata instanceof Map<?, ?> meta && meta.get("name") instanceof String n ? n : "?";
        Field document = Field.root(new Refusals.Source(index, kind, name), upload.refusals, body);
        if (!(body instanceof Map<?, ?>)) {
            document.refuse("must be a mapping with apiVersion, kind, metadata and spec");
            return null;
        }
        document.mapping(TOP, "an OpenSLO document");
        Field apiVersion = document.get("apiVersion");
        if (!apiVersion.present()) {
            apiVersion.refuse("is required (" + API_VERSION + ")");
        } else if (!API_VERSION.equals(apiVersion.value())) {
            apiVersion.refuse("'" + apiVersion.value() + "' is not supported; daff reads " + API_VERSION);
        }
        if (!KINDS.contains(kind)) {
            document.get("kind").refuse(kind.equals("?") ? "is required" : "'" + kind + "' is not a kind daff takes ("
                    + (kind.equals("DataSource") ? "daff reads no data sources: it counts the events sent to it; "
                            : "") + "known: " + String.join(", ", KINDS.stream().sorted().toList()) + ")");
            return null;
        }
        Field meta = document.get("metadata");
        if (meta.mapping(Set.of("name", "displayName", "labels", "annotations"), "metadata")) {
            Field nameField = meta.get("name");
            if (nameField.value() instanceof Number || nameField.value() instanceof Boolean) {
                // name: 404 is a number to YAML (007 even 7): read as text it named another SLO, left out it vanished
                nameField.refuse("must be text: quote a name YAML reads as a number or a flag (name: \"404\")");
            } else {
                nameField.requiredString();
            }
        }
        if (!document.get("spec").present() && !kind.equals("Service")) {
            document.get("spec").refuse("is required");
        }
        if (name.equals("?")) {
            return null;
        }
        upload.add(kind, name, document);
        return document;
    }
}
