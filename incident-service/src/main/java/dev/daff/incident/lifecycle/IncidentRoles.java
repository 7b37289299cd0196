package dev.daff.incident.lifecycle;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.daff.incident.lifecycle.IncidentApi.Role;
import dev.daff.incident.lifecycle.IncidentApi.TimelineView;
import dev.daff.incident.timeline.Actor;
import dev.daff.incident.timeline.Timeline;

/** Who holds which role on an incident ({@code incident_role}); every assignment and hand-over goes on the timeline. */
@ApplicationScoped
public class IncidentRoles {

    private final IncidentRepository incidents;
    private final Timeline timeline;
    private final IncidentRoleRepository roles;
    private final IncidentViews views;
    private final Clock clock;

    public IncidentRoles(IncidentRepository incidents, IncidentRoleRepository roles, Timeline timeline, IncidentViews views,
            Clock clock) {
        this.incidents = incidents;
        this.roles = roles;
        this.timeline = timeline;
        this.views = views;
        this.clock = clock;
    }

    @Transactional
    public TimelineView assignRole(UUID id, Role role, String handle, Actor actor) {
        Incident incident = incidents.require(id);
        Optional<String> previous = roles.assign(id, role, handle, actor, clock.instant());
        String text = previous.isPresent() && !previous.get().equals(handle)
                ? role + " handed over from " + previous.get() + " to " + handle
                : handle + " is " + role;
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("role", role);
        data.put("handle", handle);
        previous.ifPresent(p -> data.put("previous", p));
        return views.view(timeline.record(incident.id, null, Timeline.ROLE, IncidentViews.phaseOf(incident.status), actor,
                text, data));
    }
}
