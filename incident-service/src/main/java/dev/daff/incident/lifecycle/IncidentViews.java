package dev.daff.incident.lifecycle;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.incident.lifecycle.IncidentApi.IncidentView;
import dev.daff.incident.lifecycle.IncidentApi.TimelineView;
import dev.daff.incident.timeline.TimelineEntry;

/** Incidents and timeline entries as the API shows them; {@code finalisable} is the finalisation gate's word. */
@ApplicationScoped
public class IncidentViews {

    private final FinalisationCheck finalisation;
    private final ObjectMapper json;

    public IncidentViews(FinalisationCheck finalisation, ObjectMapper json) {
        this.finalisation = finalisation;
        this.json = json;
    }

    IncidentView view(Incident incident) {
        return view(incident, finalisation.finalisable(List.of(incident.id)).contains(incident.id));
    }

    /** Many incidents, asking the gate once. */
    List<IncidentView> views(List<Incident> incidents) {
        Set<UUID> finalisable = finalisation.finalisable(incidents.stream().map(i -> i.id).toList());
        return incidents.stream().map(i -> view(i, finalisable.contains(i.id))).toList();
    }

    static IncidentView view(Incident incident, boolean finalisable) {
        return new IncidentView(incident.id, incident.title, incident.summary, incident.severity, incident.status,
                incident.status.allowedNext(), List.copyOf(incident.services), incident.team, incident.detectionSource,
                incident.impactStartedAt, incident.detectedAt, incident.acknowledgedAt, incident.identifiedAt,
                incident.resolvedAt, incident.finalisedAt, incident.version, finalisable);
    }

    TimelineView view(TimelineEntry entry) {
        return new TimelineView(entry.id, entry.at, entry.kind, entry.phase, entry.actor, entry.actorSubject, entry.text,
                data(entry));
    }

    private JsonNode data(TimelineEntry entry) {
        try {
            return entry.data == null ? json.nullNode() : json.readTree(entry.data);
        } catch (Exception e) {
            return json.nullNode();
        }
    }

    static String phaseOf(IncidentStatus status) {
        return switch (status) {
            case DISCOVERED -> "DISCOVER";
            case ANALYSING -> "ANALYSE";
            case FIXING, RESOLVED -> "FIX";
            case FINALISED -> "FINALISE";
        };
    }
}
