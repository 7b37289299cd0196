package dev.daff.incident.lifecycle;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.daff.incident.lifecycle.IncidentApi.IncidentView;
import dev.daff.incident.lifecycle.IncidentApi.Page;
import dev.daff.incident.lifecycle.IncidentApi.TimelineView;
import dev.daff.incident.timeline.Timeline;
import dev.daff.kit.listing.PageRequest;
import dev.daff.kit.listing.Slice;
import dev.daff.kit.problem.ProblemException;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;

/** Reading incidents and their timelines; nothing here changes them. */
@ApplicationScoped
public class IncidentQueries {

    /** How deep the page-number paging of the incident list reaches; the cursor has no such bound. */
    static final int MAX_OFFSET = 10_000;

    private final Incidents incidents;
    private final Timeline timeline;
    private final IncidentViews views;

    public IncidentQueries(Incidents incidents, Timeline timeline, IncidentViews views) {
        this.incidents = incidents;
        this.timeline = timeline;
        this.views = views;
    }

    @Transactional
    public Optional<IncidentView> find(UUID id) {
        return incidents.findByIdOptional(id).map(views::view);
    }

    /**
     * Incidents newest first (by detection). {@code offsetPage} is the older page-number paging, kept for clients
     * that use it and bounded to the first {@value #MAX_OFFSET} incidents; the cursor reaches all of them.
     */
    @Transactional
    public Page<IncidentView> list(IncidentStatus status, String service, String team, Severity severity, Instant from,
            Instant to, PageRequest request, Integer offsetPage) {
        StringBuilder filters = new StringBuilder("1 = 1");
        Parameters parameters = new Parameters();
        if (status != null) {
            filters.append(" and status = :status");
            parameters.and("status", status);
        }
        if (service != null) {
            filters.append(" and id in (select j.id from Incident j join j.services s where lower(s) = lower(:service))");
            parameters.and("service", ServiceNames.tidy(service));
        }
        if (team != null) {
            filters.append(" and team = :team");
            parameters.and("team", team);
        }
        if (severity != null) {
            filters.append(" and severity = :severity");
            parameters.and("severity", severity);
        }
        if (from != null) {
            filters.append(" and detectedAt >= :from");
            parameters.and("from", from);
        }
        if (to != null) {
            filters.append(" and detectedAt < :to");
            parameters.and("to", to);
        }
        long total = incidents.count(filters.toString(), parameters);
        int offset = 0;
        if (offsetPage != null) {
            if (!request.isFirst()) {
                throw ProblemException.invalidField("page", "cannot be combined with cursor; follow the cursor alone");
            }
            if ((offsetPage + 1L) * request.limit() > MAX_OFFSET) { // in long: page 2^31 - 1 wrapped past the bound
                throw ProblemException.invalidField("page", "reaches past the first " + MAX_OFFSET
                        + " incidents; page on with the cursor (X-Next-Cursor) instead");
            }
            offset = offsetPage * request.limit();
        }
        StringBuilder query = new StringBuilder(filters);
        if (!request.expectParts(2).isFirst()) {
            // Newest first, ties in id order: continue strictly after the last incident handed out.
            query.append(" and (detectedAt < :afterAt or (detectedAt = :afterAt and id > :afterId))");
            parameters.and("afterAt", request.instant(0)).and("afterId", request.uuid(1));
        }
        List<Incident> fetched = incidents.find(query.toString(), Sort.descending("detectedAt").and("id"), parameters)
                .range(offset, offset + request.limit()).list();
        Slice<Incident> page = Slice.of(fetched, request.limit(), i -> PageRequest.cursorAfter(i.detectedAt, i.id));
        return new Page<>(views.views(page.items()), offsetPage == null ? 0 : offsetPage, request.limit(), total,
                page.nextCursor());
    }

    /** The timeline in {@code at} order, a page at a time. */
    @Transactional
    public Slice<TimelineView> timeline(UUID id, PageRequest request) {
        incidents.require(id);
        return timeline.page(id, request).map(views::view);
    }
}
