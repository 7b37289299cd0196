package dev.daff.incident.washup;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.daff.incident.actions.ActionSummaries;
import dev.daff.incident.changes.WhatChangedService;
import dev.daff.incident.lifecycle.Incident;
import dev.daff.incident.lifecycle.Incidents;
import dev.daff.incident.timeline.Timeline;

/** An incident's whole record as one Markdown document ({@code washup.md}), read in one transaction. */
@ApplicationScoped
public class WashupDocument {

    private final Incidents incidents;
    private final Timeline timeline;
    private final Causes causes;
    private final Washups washups;
    private final WashupService washupService;
    private final WhatChangedService changes;
    private final ActionSummaries actions;
    private final PastIncidents past;

    public WashupDocument(Incidents incidents, Timeline timeline, Causes causes, Washups washups,
            WashupService washupService, WhatChangedService changes, ActionSummaries actions, PastIncidents past) {
        this.incidents = incidents;
        this.timeline = timeline;
        this.causes = causes;
        this.washups = washups;
        this.washupService = washupService;
        this.changes = changes;
        this.actions = actions;
        this.past = past;
    }

    @Transactional
    public String markdown(UUID incidentId) {
        Incident incident = incidents.require(incidentId);
        return new WashupMarkdown().render(incident, timeline.of(incidentId),
                causes.findByIdOptional(incidentId).map(CauseService::view).orElse(null),
                washups.findByIdOptional(incidentId).map(w -> washupService.view(w, washupService.missing(incident, w)))
                        .orElse(null),
                changes.linksOf(incidentId), changes.whatChanged(incidentId, null).changes(),
                actions.countsOf(incidentId).orElse(null), past.recurrenceOf(incidentId).orElse(null),
                past.topSimilar(incidentId));
    }
}
