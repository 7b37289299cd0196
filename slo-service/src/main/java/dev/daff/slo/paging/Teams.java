package dev.daff.slo.paging;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.kit.problem.ProblemException;
import dev.daff.slo.paging.secrets.Keyring;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;

/**
 * Teams' on-call definitions: validated whole on PUT, read whole. Channel secrets (PagerDuty routing keys, Slack
 * URLs, webhook signing secrets) are sealed by the {@link Keyring} before they are stored and stay sealed in what
 * {@link #definition(String)} answers; only the dispatcher opens them, when it sends. A PUT that omits a channel's
 * secret keeps the one stored for the same channel (see {@link #keepOmittedSecrets}).
 */
@ApplicationScoped
public class Teams implements PanacheRepositoryBase<Team, String> {

    private final ObjectMapper json;
    private final Clock clock;

    private final OutboundAddresses outbound;
    private final Keyring keyring;

    public Teams(ObjectMapper json, Clock clock, PagingConfig config, Keyring keyring) {
        this.json = json;
        this.clock = clock;
        this.keyring = keyring;
        this.outbound = new OutboundAddresses(config.allowedHosts().orElse(java.util.List.of()));
    }

    @Transactional
    public TeamDefinition put(String name, @Valid @NotNull TeamDefinition definition) {
        if (!name.matches(TeamDefinition.HANDLE)) {
            throw ProblemException.invalidField("team", "must be a lower-case name (a-z, 0-9, '.', '_', '-')");
        }
        Optional<Team> stored = findByIdOptional(name);
        // "" (a webhook secret removed) survives sealing so that it is not mistaken for an omitted secret.
        TeamDefinition sealed = sealSecrets(keepOmittedSecrets(
                sealSecrets(definition, value -> value == null || value.isEmpty() ? value : keyring.seal(value)),
                stored.map(team -> sealSecrets(read(team.definition), this::resealOrForget)).orElse(null)),
                value -> value == null || value.isEmpty() ? null : value);
        check(sealed);
        Team team = stored.orElseGet(() -> {
            Team created = new Team();
            created.name = name;
            return created;
        });
        team.definition = write(sealed);
        team.updatedAt = clock.instant();
        persist(team);
        return sealed.masked();
    }

    /**
     * A stored secret under the current key; one whose key is no longer configured stays as it is (it counts under
     * that key, and its sends fail as "channel secret unreadable" until the key is back or the team is PUT anew).
     */
    String resealOrKeep(String stored) {
        try {
            return keyring.reseal(stored);
        } catch (Keyring.UnreadableSecret e) {
            return stored;
        }
    }

    /** A stored secret under the current key; one whose key is gone cannot be kept, as if it had never been set. */
    private String resealOrForget(String stored) {
        try {
            return keyring.reseal(stored);
        } catch (Keyring.UnreadableSecret e) {
            return null;
        }
    }

    /** The stored definition, channel secrets sealed (open them with the {@link Keyring} only to send). */
    @Transactional
    public Optional<TeamDefinition> definition(String name) {
        return findByIdOptional(name).map(team -> read(team.definition));
    }

    /**
     * Seals every stored channel secret that is plaintext (written before sealing) or under a key other than the
     * current one, each team under its row lock; answers how many values were sealed again.
     */
    @Transactional
    public int resealAll() {
        int resealed = 0;
        for (Team team : find("order by name").withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE).list()) {
            TeamDefinition stored = read(team.definition);
            int[] count = { 0 };
            TeamDefinition sealed = sealSecrets(stored, value -> {
                String sealedNow = resealOrKeep(value);
                if (!java.util.Objects.equals(sealedNow, value)) {
                    count[0]++;
                }
                return sealedNow;
            });
            if (count[0] > 0) {
                team.definition = write(sealed);
                resealed += count[0];
            }
        }
        return resealed;
    }

    /** How many stored channel secrets each key seals ({@code plaintext} for values from before sealing). */
    @Transactional
    public Map<String, Long> secretsByKey() {
        Map<String, Long> counts = new HashMap<>();
        for (Team team : listAll()) {
            sealSecrets(read(team.definition), value -> {
                if (value != null) {
                    counts.merge(Keyring.keyOf(value).orElse("plaintext"), 1L, Long::sum);
                }
                return value;
            });
        }
        return counts;
    }

    /** The definition with {@code seal} applied to every channel secret (routing key, Slack URL, webhook secret). */
    static TeamDefinition sealSecrets(TeamDefinition definition, UnaryOperator<String> seal) {
        UnaryOperator<TeamDefinition.Channel> channel = c -> switch (c.type()) {
            case "pagerduty" -> new TeamDefinition.Channel(c.type(), seal.apply(c.routingKey()), null, null, null);
            case "slack" -> new TeamDefinition.Channel(c.type(), null, seal.apply(c.url()), null, null);
            default -> new TeamDefinition.Channel(c.type(), null, c.url(), seal.apply(c.secret()), null);
        };
        return new TeamDefinition(
                definition.members().stream().map(m -> new TeamDefinition.Member(m.handle(), m.name(),
                        m.channels() == null ? null : m.channels().stream().map(channel).toList())).toList(),
                definition.channels() == null ? null : definition.channels().stream().map(channel).toList(),
                definition.rotation(), definition.overrides(), definition.escalation());
    }

    /**
     * A PUT may leave out a channel's secret (answers never show it, so a client editing a team cannot send it
     * back): the secret stored for the same channel is kept. The same channel is the same member's (or the team's)
     * n-th channel of the same type; a webhook keeps its signing secret only while its URL stays the same, and
     * {@code "secret": ""} removes it. A routing key or Slack URL left out with nothing to keep is refused by
     * {@link #check}.
     */
    static TeamDefinition keepOmittedSecrets(TeamDefinition incoming, TeamDefinition stored) {
        if (stored == null) {
            return incoming;
        }
        return new TeamDefinition(
                incoming.members().stream().map(m -> new TeamDefinition.Member(m.handle(), m.name(),
                        m.channels() == null ? null : keep(m.channels(), stored.member(m.handle())
                                .map(TeamDefinition.Member::channels).orElse(null)))).toList(),
                incoming.channels() == null ? null : keep(incoming.channels(), stored.channels()),
                incoming.rotation(), incoming.overrides(), incoming.escalation());
    }

    private static List<TeamDefinition.Channel> keep(List<TeamDefinition.Channel> incoming, List<TeamDefinition.Channel> stored) {
        Map<String, Integer> seen = new HashMap<>();
        List<TeamDefinition.Channel> kept = new ArrayList<>();
        for (TeamDefinition.Channel channel : incoming) {
            int ordinal = seen.merge(channel.type(), 1, Integer::sum) - 1;
            Optional<TeamDefinition.Channel> before = stored == null ? Optional.empty()
                    : stored.stream().filter(c -> c.type().equals(channel.type())).skip(ordinal).findFirst();
            kept.add(before.map(b -> switch (channel.type()) {
                case "pagerduty" -> channel.routingKey() != null ? channel
                        : new TeamDefinition.Channel(channel.type(), b.routingKey(), null, null, null);
                case "slack" -> channel.url() != null ? channel : new TeamDefinition.Channel(channel.type(), null, b.url(), null, null);
                default -> channel.secret() != null || !java.util.Objects.equals(channel.url(), b.url())
                        ? channel : new TeamDefinition.Channel(channel.type(), null, channel.url(), b.secret(), null);
            }).orElse(channel));
        }
        return kept;
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

    /** {@code channel}'s secrets are sealed here: the Slack URL is opened to check where it points. */
    private void checkChannel(String field, TeamDefinition.Channel channel) {
        boolean complete = switch (channel.type()) {
            case "pagerduty" -> channel.routingKey() != null && !keyring.open(channel.routingKey()).isBlank();
            default -> channel.url() != null;
        };
        if (!complete) {
            throw ProblemException.invalidField(field, channel.type() + " channels need "
                    + ("pagerduty".equals(channel.type()) ? "a routingKey" : "a url"));
        }
        if (!"pagerduty".equals(channel.type())) {
            String url = "slack".equals(channel.type()) ? keyring.open(channel.url()) : channel.url();
            outbound.refusal(url).ifPresent(why -> {
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
