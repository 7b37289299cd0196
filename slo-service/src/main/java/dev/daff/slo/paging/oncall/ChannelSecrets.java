package dev.daff.slo.paging.oncall;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import dev.daff.kit.problem.ProblemException;

import dev.daff.slo.paging.secrets.Keyring;

/**
 * The secrets in teams' channels (PagerDuty routing keys, Slack URLs, webhook signing secrets): sealed by the
 * {@link Keyring} before they are stored and kept sealed in every definition handed out; only the dispatcher opens
 * them, when it sends. A PUT that omits a channel's secret keeps the one stored for the same channel.
 */
@ApplicationScoped
public class ChannelSecrets {

    /** In {@link #secretsByKey()}: teams whose stored definition cannot be read, their secrets uncounted. */
    public static final String UNREADABLE_TEAMS = "unreadable-teams";

    private final Teams teams;
    private final Keyring keyring;

    public ChannelSecrets(Teams teams, Keyring keyring) {
        this.teams = teams;
        this.keyring = keyring;
    }

    /** A PUT's definition with its secrets sealed, and those it omitted kept from {@code stored} (null: a new team). */
    TeamDefinition sealForPut(TeamDefinition incoming, TeamDefinition stored) {
        // "" (a webhook secret removed) survives sealing so that it is not mistaken for an omitted secret.
        return sealSecrets(keepOmittedSecrets(
                sealSecrets(incoming, value -> value == null || value.isEmpty() ? value : keyring.seal(value)),
                stored == null ? null : sealSecrets(stored, this::resealOrForget)),
                value -> value == null || value.isEmpty() ? null : value);
    }

    /** A sealed secret in the clear, to check where a channel points. */
    String open(String sealed) {
        return keyring.open(sealed);
    }

    /**
     * A stored secret under the current key; one whose key is no longer configured stays as it is (it counts under
     * that key, and its sends fail as "channel secret unreadable" until the key is back or the team is PUT anew).
     */
    public String resealOrKeep(String stored) {
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

    /**
     * Seals every stored channel secret that is plaintext (written before sealing) or under a key other than the
     * current one, each team under its row lock; answers how many values were sealed again.
     */
    @Transactional
    public int resealAll() {
        int resealed = 0;
        for (Team team : teams.find("order by name").withLock(LockModeType.PESSIMISTIC_WRITE).list()) {
            TeamDefinition stored = teams.readable(team).orElse(null);
            if (stored == null) {
                continue;
            }
            int[] count = { 0 };
            TeamDefinition sealed = sealSecrets(stored, value -> {
                String sealedNow = resealOrKeep(value);
                if (!Objects.equals(sealedNow, value)) {
                    count[0]++;
                }
                return sealedNow;
            });
            if (count[0] > 0) {
                teams.store(team, sealed);
                resealed += count[0];
            }
        }
        return resealed;
    }

    /** How many stored channel secrets each key seals ({@code plaintext} for values from before sealing). */
    @Transactional
    public Map<String, Long> secretsByKey() {
        Map<String, Long> counts = new HashMap<>();
        for (Team team : teams.listAll()) {
            TeamDefinition stored = teams.readable(team).orElse(null);
            if (stored == null) {
                // Its secrets may be under any key: shown, so that no key is retired while it may still hold some.
                counts.merge(UNREADABLE_TEAMS, 1L, Long::sum);
                continue;
            }
            sealSecrets(stored, value -> {
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
                        m.channels() == null ? null : m.channels().stream().map(channel).toList(), m.slackUserId())).toList(),
                definition.channels() == null ? null : definition.channels().stream().map(channel).toList(),
                definition.rotation(), definition.overrides(), definition.escalation(), definition.reackAfter());
    }

    /**
     * A PUT may leave out a channel's secret (answers never show it, so a client editing a team cannot send it
     * back): the secret stored for the same channel is kept. A webhook is the same channel while its URL is the same
     * (it keeps that webhook's signing secret; {@code "secret": ""} removes it). PagerDuty and Slack channels show
     * nothing that tells two apart, so one is the same member's (or the team's) n-th channel of its type only while
     * there are as many of that type as stored: after one is added or removed, position says nothing (the survivor
     * of two would take the removed one's routing key or URL), so each must be sent again, and one left out with
     * nothing to keep is refused by {@link TeamService}.
     */
    static TeamDefinition keepOmittedSecrets(TeamDefinition incoming, TeamDefinition stored) {
        if (stored == null) {
            return incoming;
        }
        return new TeamDefinition(
                incoming.members().stream().map(m -> new TeamDefinition.Member(m.handle(), m.name(),
                        m.channels() == null ? null : keep(m.channels(), stored.member(m.handle())
                                .map(TeamDefinition.Member::channels).orElse(null)), m.slackUserId())).toList(),
                incoming.channels() == null ? null : keep(incoming.channels(), stored.channels()),
                incoming.rotation(), incoming.overrides(), incoming.escalation(), incoming.reackAfter());
    }

    private static List<TeamDefinition.Channel> keep(List<TeamDefinition.Channel> incoming, List<TeamDefinition.Channel> stored) {
        List<TeamDefinition.Channel> before = stored == null ? List.of() : stored;
        // A signed webhook gone from the PUT while a webhook without a secret came: most likely its URL changed, and
        // its pages would go out unsigned with nobody told (receivers that check would drop them).
        List<String> webhooks = incoming.stream().filter(c -> "webhook".equals(c.type())).map(TeamDefinition.Channel::url)
                .toList();
        Optional<String> signedGone = before.stream().filter(c -> "webhook".equals(c.type()) && c.secret() != null
                && !webhooks.contains(c.url())).map(TeamDefinition.Channel::url).findFirst();
        Map<String, Integer> seen = new HashMap<>();
        List<TeamDefinition.Channel> kept = new ArrayList<>();
        for (TeamDefinition.Channel channel : incoming) {
            String type = channel.type();
            // Webhooks are told apart by URL; the others only by their place among as many of their type.
            String sameWhen = "webhook".equals(type) ? type + '\n' + channel.url() : type;
            int ordinal = seen.merge(sameWhen, 1, Integer::sum) - 1;
            List<TeamDefinition.Channel> candidates = before.stream().filter(c -> c.type().equals(type)
                    && (!"webhook".equals(type) || Objects.equals(c.url(), channel.url()))).toList();
            boolean samePlaces = "webhook".equals(type)
                    || candidates.size() == incoming.stream().filter(c -> c.type().equals(type)).count();
            Optional<TeamDefinition.Channel> same = samePlaces && ordinal < candidates.size()
                    ? Optional.of(candidates.get(ordinal)) : Optional.empty();
            if ("webhook".equals(type) && channel.secret() == null && same.isEmpty() && signedGone.isPresent()) {
                throw ProblemException.invalidField("channels", "the webhook " + channel.url() + " comes without a"
                        + " secret where the signed webhook " + signedGone.get() + " was: send its secret, or"
                        + " \"secret\": \"\" to send its pages unsigned");
            }
            kept.add(same.map(b -> switch (type) {
                case "pagerduty" -> channel.routingKey() != null ? channel
                        : new TeamDefinition.Channel(type, b.routingKey(), null, null, null);
                case "slack" -> channel.url() != null ? channel : new TeamDefinition.Channel(type, null, b.url(), null, null);
                default -> channel.secret() != null ? channel
                        : new TeamDefinition.Channel(type, null, channel.url(), b.secret(), null);
            }).orElse(channel));
        }
        return kept;
    }
}
