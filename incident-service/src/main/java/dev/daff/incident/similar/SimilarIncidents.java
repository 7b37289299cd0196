package dev.daff.incident.similar;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.transaction.Transactional;

import dev.daff.incident.actions.ActionItems;
import dev.daff.incident.actions.ActionItems.ActionView;
import dev.daff.incident.changes.Catalog;
import dev.daff.incident.changes.ChangeConfig;
import dev.daff.incident.changes.DependencyGraph;
import dev.daff.incident.lifecycle.Incident;
import dev.daff.incident.lifecycle.Incidents;
import dev.daff.incident.similar.SimilarApi.RecurrenceView;
import dev.daff.incident.similar.SimilarApi.Similar;
import dev.daff.incident.similar.SimilarApi.SimilarList;
import dev.daff.incident.similar.SimilarApi.SystemicAction;
import dev.daff.incident.similar.SimilarFacts.Candidate;
import dev.daff.incident.similar.SimilarityRule.Facts;
import dev.daff.incident.similar.SimilarityRule.Score;
import dev.daff.incident.washup.PastIncidents;
import dev.daff.kit.problem.ProblemException;

/**
 * Earlier incidents like an incident, ranked by {@link SimilarityRule}: those detected before it (within
 * {@code daff.similar.lookback}, the most recent {@code max-candidates}) scoring at least {@code min-score}, the
 * highest score first, then the most recent. Also answers the washup's {@link PastIncidents}.
 */
@ApplicationScoped
public class SimilarIncidents implements PastIncidents {

    private final Incidents incidents;
    private final SimilarFacts facts;
    private final ActionItems actions;
    private final Recurrences recurrences;
    private final Catalog catalog;
    private final ChangeConfig changeConfig;
    private final SimilarConfig config;
    /** Looked up when used: the check ranks with this class. */
    private final Instance<RecurrenceCheck> recurrenceCheck;

    public SimilarIncidents(Incidents incidents, SimilarFacts facts, ActionItems actions, Recurrences recurrences,
            Catalog catalog, ChangeConfig changeConfig, SimilarConfig config,
            Instance<RecurrenceCheck> recurrenceCheck) {
        this.incidents = incidents;
        this.facts = facts;
        this.actions = actions;
        this.recurrences = recurrences;
        this.catalog = catalog;
        this.changeConfig = changeConfig;
        this.config = config;
        this.recurrenceCheck = recurrenceCheck;
    }

    /** The {@code limit} most similar earlier incidents (the default when null); 400 for a limit out of range. */
    @Transactional
    public SimilarList similar(UUID incidentId, Integer limit) {
        int n = limit == null ? config.defaultLimit() : limit;
        if (n < 1 || n > config.maxLimit()) {
            throw ProblemException.invalidField("limit", "must be between 1 and " + config.maxLimit());
        }
        Incident incident = incidents.require(incidentId);
        return new SimilarList(incidentId, recurrences.findByIdOptional(incidentId).map(this::view).orElse(null),
                config.minScore(), ranked(incident).stream().limit(n).toList());
    }

    /** Every earlier incident scoring at least min-score, most similar first. */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<Similar> ranked(Incident incident) {
        List<Candidate> candidates = facts.candidates(incident, facts.textOf(incident),
                incident.detectedAt.minus(config.lookback()), incident.detectedAt, config.maxCandidates());
        Map<UUID, Facts> known = facts.of(SimilarFacts.ids(incident.id, candidates));
        Facts self = known.get(incident.id);
        DependencyGraph graph = catalog.graph(changeConfig.sharedPlatformMinDependents());
        List<Similar> scored = candidates.stream().map(c -> {
            Facts earlier = known.get(c.id());
            Score score = SimilarityRule.score(self, earlier, c.titleSimilarity(), c.textSimilarity(), graph);
            return new Similar(c.id(), earlier.title(), earlier.detectedAt(), score.total(), score.why(), score.parts(),
                    List.of());
        }).filter(s -> s.score() >= config.minScore())
                .sorted(Comparator.comparingInt(Similar::score).reversed()
                        .thenComparing(Similar::detectedAt, Comparator.reverseOrder()).thenComparing(Similar::incidentId))
                .toList();
        Map<UUID, List<SystemicAction>> systemic = actions.systemicOf(scored.stream().map(Similar::incidentId).toList())
                .stream().collect(Collectors.groupingBy(ActionView::incidentId,
                        Collectors.mapping(a -> new SystemicAction(a.actionId(), a.title(), a.status(), a.doneAt()),
                                Collectors.toList())));
        return scored.stream().map(s -> new Similar(s.incidentId(), s.title(), s.detectedAt(), s.score(), s.why(),
                s.parts(), systemic.getOrDefault(s.incidentId(), List.of()))).toList();
    }

    @Override
    @Transactional(Transactional.TxType.MANDATORY)
    public List<SimilarIncident> topSimilar(UUID incidentId) {
        return ranked(incidents.require(incidentId)).stream().limit(config.washupTop())
                .map(s -> new SimilarIncident(s.incidentId(), s.title(), s.detectedAt(), s.score(), s.why(),
                        s.systemicActions().stream().map(SimilarIncidents::words).toList()))
                .toList();
    }

    @Override
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<Recurrence> recurrenceOf(UUID incidentId) {
        return recurrences.findByIdOptional(incidentId).map(r -> new Recurrence(r.earlierIncidentId,
                incidents.findByIdOptional(r.earlierIncidentId).map(i -> i.title).orElse(null), r.actionTitle,
                r.actionDoneAt));
    }

    @Override
    @Transactional
    public void judgeRecurrence(UUID incidentId) {
        recurrenceCheck.get().judge(incidentId);
    }

    RecurrenceView view(IncidentRecurrence r) {
        return new RecurrenceView(r.incidentId, r.earlierIncidentId,
                incidents.findByIdOptional(r.earlierIncidentId).map(i -> i.title).orElse(null), r.actionId,
                r.actionTitle, r.actionDoneAt, r.score, r.why, r.markedAt);
    }

    static String words(SystemicAction action) {
        return action.title() + " (" + action.status() + (action.doneAt() == null ? "" : " on " + date(action.doneAt()))
                + ")";
    }

    static String date(Instant at) {
        return at.toString().substring(0, 10);
    }
}
