package dev.daff.slo.openslo;

import java.util.List;
import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** What {@code POST /api/openslo} answers. */
public final class OpenSloApi {

    /** The YAML media types the import takes and the export gives ({@code application/yaml} first). */
    public static final String YAML = "application/yaml";
    public static final String TEXT_YAML = "text/yaml";
    public static final String X_YAML = "application/x-yaml";

    private OpenSloApi() {
    }

    /**
     * @param dryRun  true: nothing was stored, this is what the upload would do
     * @param slos    every SLO of the upload, in document order
     * @param used    the other documents, with the SLOs that used them
     */
    @RegisterForReflection
    public record ImportResult(boolean dryRun, List<SloOutcome> slos, List<Map<String, Object>> used) {
    }

    /**
     * @param outcome created, changed or unchanged
     * @param changed the daff fields a change sets anew (empty unless changed)
     * @param notes   what of the document daff keeps no trace of, and why
     */
    @RegisterForReflection
    public record SloOutcome(int document, String name, String outcome, List<String> changed, List<String> notes) {
    }
}
