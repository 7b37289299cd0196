package dev.daff.slo.openslo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.validation.Validator;

import dev.daff.kit.problem.ProblemException;
import dev.daff.slo.burn.AlertTier;
import dev.daff.slo.burn.AlertTiers;
import dev.daff.slo.definition.SloApi.AlertBudgets;
import dev.daff.slo.definition.SloApi.SloView;
import dev.daff.slo.definition.SloService;
import dev.daff.slo.definition.SloWindow;
import dev.daff.slo.openslo.OpenSloApi.ImportResult;
import dev.daff.slo.openslo.OpenSloApi.SloOutcome;

/**
 * OpenSLO in and out. An import is all or nothing: everything is read and checked before the first write, and
 * every write goes through {@link SloService} in this one transaction, so a failure stores none of it.
 */
@ApplicationScoped
public class OpenSloService {

    private final SloService slos;
    private final Validator validator;

    public OpenSloService(SloService slos, Validator validator) {
        this.slos = slos;
        this.validator = validator;
    }

    /**
     * @param defaultTeam team of SLOs naming none; null: those are refused
     * @param dryRun      answer what would happen, store nothing
     */
    @Transactional
    public ImportResult importDocuments(String yaml, String defaultTeam, boolean dryRun) {
        OpenSloReader.Reading reading = OpenSloReader.read(SafeYaml.loadAll(yaml), defaultTeam, validator);
        // The service's own checks (an SLO no outage could page for, a budget alert's window), for every SLO before
        // any is stored, dry run or not: a dry run answered "created" for what the import then refused, and the import
        // refused it as a plain 400 naming neither the document nor the field.
        Map<String, SloView> previews = new HashMap<>();
        for (ImportedSlo slo : reading.slos()) {
            try {
                previews.put(slo.name(), slos.preview(slo.name(), slo.request()));
            } catch (ProblemException refused) {
                if (refused.status() != 400 || refused.errors().isEmpty()) {
                    throw refused;
                }
                refused.errors().forEach(error -> slo.refuse(error.field(), error.message()));
            }
        }
        if (reading.refusals().any()) {
            throw reading.refusals().problem();
        }
        List<SloOutcome> outcomes = new ArrayList<>();
        for (ImportedSlo slo : reading.slos()) {
            Optional<SloView> stored = slos.find(slo.name());
            List<String> changed = stored.map(s -> SloDifferences.between(s, previews.get(slo.name())))
                    .orElse(List.of());
            String outcome = stored.isEmpty() ? "created" : changed.isEmpty() ? "unchanged" : "changed";
            if (!dryRun && stored.isEmpty()) {
                slos.create(slo.request());
            } else if (!dryRun && !changed.isEmpty()) {
                slos.replace(slo.name(), slo.request());
            }
            outcomes.add(new SloOutcome(slo.source().document(), slo.name(), outcome, changed, slo.notes()));
        }
        return new ImportResult(dryRun, outcomes, reading.used());
    }

    /** Every SLO, one OpenSLO document each, in name order. */
    @Transactional
    public String exportAll() {
        List<Map<String, Object>> documents = slos.list().stream().map(OpenSloService::document).toList();
        return documents.isEmpty() ? "" : SafeYaml.dumpAll(documents);
    }

    @Transactional
    public Optional<String> export(String name) {
        return slos.find(name).map(slo -> SafeYaml.dumpAll(List.of(document(slo))));
    }

    private static Map<String, Object> document(SloView slo) {
        AlertBudgets budgets = slo.alertBudgets();
        List<AlertTier> tiers = AlertTiers.forPeriod(SloWindow.parse(slo.window()).orElseThrow().length(),
                budgets.pageFast() / 100, budgets.pageSlow() / 100, budgets.ticketFast() / 100,
                budgets.ticketSlow() / 100).all();
        return OpenSloWriter.document(slo, tiers);
    }
}
