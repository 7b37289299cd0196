package dev.daff.slo.paging;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.kit.problem.ProblemException;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;

/** Teams' on-call definitions: validated whole on PUT, read whole. */
@ApplicationScoped
public class Teams implements PanacheRepositoryBase<Team, String> {

    private final ObjectMapper json;
    private final Clock clock;

    private final OutboundAddresses outbound;

    public Teams(ObjectMapper json, Clock clock, PagingConfig config) {
        this.json = json;
        this.clock = clock;
        this.outbound = new OutboundAddresses(config.allowedHosts().orElse(java.util.List.of()));
    }

    @Transactional
    public TeamDefinition put(String name, @Valid @NotNull TeamDefinition definition) {
        if (!name.matches(TeamDefinition.HANDLE)) {
            throw ProblemException.invalidField("team", "must be a lower-case name (a-z, 0-9, '.', '_', '-')");
        }
        check(definition);
        Team team = findByIdOptional(name).orElseGet(() -> {
            Team created = new Team();
            created.name = name;
            return created;
        });
        team.definition = write(definition);
        team.updatedAt = clock.instant();
        persist(team);
        return definition.masked();
    }

    @Transactional
    public Optional<TeamDefinition> definition(String name) {
        return findByIdOptional(name).map(team -> read(team.definition));
    }

    /** At most {@code max} team names in order, after {@code after} when given. */
    @Transactional
    public List<String> names(String after, int max) {
        return (after == null ? findAll(Sort.by("name")) : find("name > ?1", Sort.by("name"), after))
                .range(0, max - 1).stream().map(team -> team.name).toList();
    }

    public OnCall onCall(String name, Instant at) {
        if (!withinCalendar(at)) {
            throw ProblemException.invalidField("at", "must be in the years 0001 to 9999");
        }
        return OnCall.at(definition(name).orElseThrow(() -> ProblemException.notFound("team", name)), at);
    }

    private static boolean withinCalendar(Instant at) {
        return !at.isBefore(OnCall.EARLIEST) && !at.isAfter(OnCall.LATEST);
    }

    private void check(TeamDefinition definition) {
        Set<String> handles = new HashSet<>();
        for (TeamDefinition.Member member : definition.members()) {
            if (!handles.add(member.handle())) {
                throw ProblemException.invalidField("members", "handle '" + member.handle() + "' appears twice");
            }
            if (member.channels() != null) {
                member.channels().forEach(channel -> checkChannel("members." + member.handle() + ".channels", channel));
            }
        }
        definition.teamChannels().forEach(channel -> checkChannel("channels", channel));
        for (String handle : definition.rotation().members()) {
            if (!handles.contains(handle)) {
                throw ProblemException.invalidField("rotation.members", "'" + handle + "' is not a member of the team");
            }
        }
        try {
            ZoneId.of(definition.rotation().timeZone());
        } catch (DateTimeException e) {
            throw ProblemException.invalidField("rotation.timeZone", "is not a time zone (e.g. Europe/London)");
        }
        boolean longEnough;
        try {
            longEnough = OnCall.atLeastMinimum(OnCall.shiftLength(definition.rotation().shiftLength()));
        } catch (RuntimeException e) {
            longEnough = false;
        }
        if (!longEnough) {
            throw ProblemException.invalidField("rotation.shiftLength",
                    "must be an ISO-8601 duration of at least " + OnCall.MIN_SHIFT + " (P7D, PT12H)");
        }
        if (!withinCalendar(definition.rotation().startsAt())) {
            throw ProblemException.invalidField("rotation.startsAt", "must be in the years 0001 to 9999");
        }
        for (TeamDefinition.Override override : definition.overridesOrNone()) {
            if (!handles.contains(override.handle())) {
                throw ProblemException.invalidField("overrides", "'" + override.handle() + "' is not a member of the team");
            }
            if (!override.from().isBefore(override.to())) {
                throw ProblemException.invalidField("overrides", "from must be before to");
            }
        }
        TeamDefinition.Escalation escalation = definition.escalationOrDefault();
        if (escalation.ackTimeout().compareTo(java.time.Duration.ofMinutes(1)) < 0) {
            throw ProblemException.invalidField("escalation.ackTimeout", "must be at least PT1M");
        }
    }

    private void checkChannel(String field, TeamDefinition.Channel channel) {
        boolean complete = switch (channel.type()) {
            case "pagerduty" -> channel.routingKey() != null && !channel.routingKey().isBlank();
            default -> channel.url() != null;
        };
        if (!complete) {
            throw ProblemException.invalidField(field, channel.type() + " channels need "
                    + ("pagerduty".equals(channel.type()) ? "a routingKey" : "a url"));
        }
        if (!"pagerduty".equals(channel.type())) {
            outbound.refusal(channel.url()).ifPresent(why -> {
                throw ProblemException.invalidField(field + ".url", why);
            });
        }
    }

    private String write(TeamDefinition definition) {
        try {
            return json.writeValueAsString(definition);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    TeamDefinition read(String stored) {
        try {
            return json.readValue(stored, TeamDefinition.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored team definition is unreadable", e);
        }
    }
}
