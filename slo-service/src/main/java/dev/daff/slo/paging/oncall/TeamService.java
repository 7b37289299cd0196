package dev.daff.slo.paging.oncall;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.TemporalAmount;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import dev.daff.kit.listing.PageRequest;
import dev.daff.kit.listing.Slice;
import dev.daff.kit.json.IsoInstants;
import dev.daff.kit.problem.ProblemException;
import io.quarkus.panache.common.Sort;
import dev.daff.slo.paging.HostLookup;
import dev.daff.slo.paging.PagingConfig;
import dev.daff.kit.http.OutboundAddresses;

/**
 * TeamService' on-call definitions: validated whole on PUT, read whole. Channel secrets (PagerDuty routing keys, Slack
 * URLs, webhook signing secrets) are sealed by the {@link Keyring} before they are stored and stay sealed in what
 * {@link #definition(String)} answers; only the dispatcher opens them, when it sends. A PUT that omits a channel's
 * secret keeps the one stored for the same channel (see {@link #keepOmittedSecrets}).
 */
@ApplicationScoped
public class TeamService {

    /** A team's definition replaced by a PUT, in its transaction; {@code before} null when it was new or unreadable. */
    public record TeamRedefined(String name, TeamDefinition before, TeamDefinition after) {
    }

    static final int MAX_OVERRIDES = 500;

    /** How long an override that has ended stays in the definition, to be read back: then it is dropped. */
    static final Duration OVERRIDES_KEPT_AFTER_THEY_END = Duration.ofDays(30);

    private final Teams teams;
    private final ChannelSecrets secrets;
    private final Clock clock;
    private final OutboundAddresses outbound;
    private final Event<TeamRedefined> redefined;

    public TeamService(Teams teams, ChannelSecrets secrets, Clock clock, PagingConfig config, HostLookup hostLookup,
            Event<TeamRedefined> redefined) {
        this.teams = teams;
        this.secrets = secrets;
        this.clock = clock;
        this.redefined = redefined;
        this.outbound = new OutboundAddresses(config.allowedHosts().orElse(java.util.List.of()), "daff.paging.allowed-hosts",
                hostLookup);
    }

    @Transactional
    public TeamDefinition put(String name, @Valid @NotNull TeamDefinition definition) {
        if (!name.matches(TeamDefinition.HANDLE)) {
            throw ProblemException.invalidField("team", "must be a lower-case name (a-z, 0-9, '.', '_', '-')");
        }
        Optional<Team> stored = teams.findByIdOptional(name);
        TeamDefinition before = stored.flatMap(teams::readable).orElse(null);
        // Long-ended overrides go first: one naming someone who has left since is not checked, nor counted.
        TeamDefinition sealed = secrets.sealForPut(definition, before)
                .withoutOverridesEndedBefore(clock.instant().minus(OVERRIDES_KEPT_AFTER_THEY_END));
        check(sealed);
        sealed = sealed.withRotation(before == null ? sealed.rotation().asSent()
                : OnCall.keepingWhoIsOnCall(before.rotation(), sealed.rotation(), clock.instant()));
        Team team = stored.orElseGet(() -> {
            Team created = new Team();
            created.name = name;
            return created;
        });
        team.updatedAt = clock.instant();
        teams.store(team, sealed);
        redefined.fire(new TeamRedefined(name, before, sealed));
        return sealed.masked(true); // to the admin who sent it
    }

    /**
     * The stored definition, channel secrets sealed (open them with the {@link Keyring} only to send). An unreadable
     * one throws {@link Teams.UnreadableDefinition} without dooming the caller's transaction: the pager stores the
     * page all the same.
     */
    @Transactional(dontRollbackOn = Teams.UnreadableDefinition.class)
    public Optional<TeamDefinition> definition(String name) {
        return teams.findByIdOptional(name).map(teams::definitionOf);
    }

    /** Whether a team of that name is defined (its definition may still be one this version cannot read). */
    @Transactional
    public boolean defined(String name) {
        return name != null && teams.findByIdOptional(name).isPresent();
    }

    /**
     * The team's {@code reackAfter}; none when the team is undefined, has none, or its stored definition cannot be
     * read — an acknowledgement must still go through.
     */
    @Transactional
    public Optional<Duration> reackAfter(String name) {
        return teams.findByIdOptional(name).flatMap(teams::readable).map(TeamDefinition::reackAfter);
    }

    /** Team names in order, a page at a time; the cursor holds the last name. */
    @Transactional
    public Slice<String> names(PageRequest request) {
        request.expectParts(1);
        List<String> fetched = (request.isFirst() ? teams.findAll(Sort.by("name"))
                : teams.find("name > ?1", Sort.by("name"), request.text(0)))
                .range(0, request.limit()).stream().map(team -> team.name).toList();
        return Slice.of(fetched, request.limit(), PageRequest::cursorAfter);
    }

    public OnCall onCall(String name, Instant at) {
        if (!withinCalendar(at)) {
            throw ProblemException.invalidField("at", "must be in the years 0001 to 9999");
        }
        return OnCall.at(definition(name).orElseThrow(() -> ProblemException.notFound("team", name)), at);
    }

    /** Rotations start, and on-call is asked for, in the years 0001 to 9999: the calendar arithmetic stays in range. */
    private static boolean withinCalendar(Instant at) {
        return IsoInstants.inYears(at);
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
        boolean inRange;
        try {
            TemporalAmount shift = OnCall.shiftLength(definition.rotation().shiftLength());
            inRange = OnCall.atLeastMinimum(shift) && OnCall.atMostMaximum(shift);
        } catch (RuntimeException e) {
            inRange = false;
        }
        if (!inRange) {
            throw ProblemException.invalidField("rotation.shiftLength", "must be an ISO-8601 duration of at least "
                    + OnCall.MIN_SHIFT + " and at most " + OnCall.MAX_SHIFT_DAYS + " days (P7D, PT12H)");
        }
        if (!withinCalendar(definition.rotation().startsAt())) {
            throw ProblemException.invalidField("rotation.startsAt", "must be in the years 0001 to 9999");
        }
        if (definition.overridesOrNone().size() > MAX_OVERRIDES) { // counted once long-ended ones are dropped
            throw ProblemException.invalidField("overrides", "at most " + MAX_OVERRIDES + " that have not ended, or"
                    + " ended in the last " + OVERRIDES_KEPT_AFTER_THEY_END.toDays() + " days");
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
        if (escalation.ackTimeout().compareTo(java.time.Duration.ofMinutes(1)) < 0
                || escalation.ackTimeout().compareTo(java.time.Duration.ofDays(1)) > 0) {
            throw ProblemException.invalidField("escalation.ackTimeout", "must be between PT1M and P1D");
        }
        if (definition.reackAfter() != null && (definition.reackAfter().compareTo(java.time.Duration.ofMinutes(1)) < 0
                || definition.reackAfter().compareTo(java.time.Duration.ofDays(1)) > 0)) {
            throw ProblemException.invalidField("reackAfter", "must be between PT1M and P1D");
        }
        java.util.Set<String> slackIds = new java.util.HashSet<>();
        for (TeamDefinition.Member member : definition.members()) {
            if (member.slackUserId() != null && !slackIds.add(member.slackUserId())) {
                throw ProblemException.invalidField("members.slackUserId",
                        "'" + member.slackUserId() + "' belongs to two members");
            }
        }
    }

    /** {@code channel}'s secrets are sealed here: the Slack URL is opened to check where it points. */
    private void checkChannel(String field, TeamDefinition.Channel channel) {
        boolean complete = switch (channel.type()) {
            case "pagerduty" -> channel.routingKey() != null && !secrets.open(channel.routingKey()).isBlank();
            default -> channel.url() != null;
        };
        if (!complete) {
            throw ProblemException.invalidField(field, channel.type() + " channels need "
                    + ("pagerduty".equals(channel.type()) ? "a routingKey" : "a url"));
        }
        if (!"pagerduty".equals(channel.type())) {
            String url = "slack".equals(channel.type()) ? secrets.open(channel.url()) : channel.url();
            outbound.refusalToStore(url).ifPresent(why -> {
                throw ProblemException.invalidField(field + ".url", why);
            });
        }
    }
}
