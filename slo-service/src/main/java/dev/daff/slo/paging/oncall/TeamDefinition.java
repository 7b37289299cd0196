package dev.daff.slo.paging.oncall;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.daff.kit.http.OutboundAddresses;

/** A team's on-call set-up, as PUT and stored; secrets are masked on the way out ({@link #masked}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TeamDefinition(
        @NotEmpty @Size(max = 100) List<@NotNull @Valid Member> members,
        @Size(max = 20) List<@NotNull @Valid Channel> channels,
        @NotNull @Valid Rotation rotation,
        List<@NotNull @Valid Override> overrides, // at most 500 once those long ended are dropped: TeamService
        @Valid Escalation escalation,
        Duration reackAfter) {

    /** Without {@code reackAfter}: an acknowledged page stays acknowledged until its alert clears. */
    public TeamDefinition(List<Member> members, List<Channel> channels, Rotation rotation, List<Override> overrides,
            Escalation escalation) {
        this(members, channels, rotation, overrides, escalation, null);
    }

    public static final String HANDLE = "^[a-z0-9][a-z0-9._-]{0,99}$";

    /**
     * @param slackUserId the member's Slack user id ("U024BE7LH"): whom a Slack button press acknowledges as; without
     *                    it the member cannot acknowledge from Slack
     */
    public record Member(
            @NotBlank @Pattern(regexp = HANDLE, message = "must be a lower-case handle") String handle,
            @Size(max = 200) String name,
            @Size(max = 10) List<@NotNull @Valid Channel> channels,
            @Pattern(regexp = SLACK_USER_ID, message = "must be a Slack user id such as U024BE7LH") String slackUserId) {

        public Member(String handle, String name, List<Channel> channels) {
            this(handle, name, channels, null);
        }
    }

    public static final String SLACK_USER_ID = "^[UW][A-Z0-9]{2,30}$";

    /**
     * Where a page goes: {@code pagerduty} (routingKey), {@code slack} (incoming-webhook url) or {@code webhook}
     * (url, optional HMAC secret). Routing keys, Slack URLs and secrets are write-only and stored sealed
     * ({@link TeamService}); in a PUT, one left out keeps the stored one of the same channel.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Channel(
            @NotNull @Pattern(regexp = "pagerduty|slack|webhook", message = "must be pagerduty, slack or webhook") String type,
            @Size(max = 200) String routingKey,
            @Size(max = 2000) @Pattern(regexp = "https?://.+", message = "must be an http(s) URL") String url,
            @Size(max = 500) String secret,
            Boolean configured) {

        Channel masked(boolean wholeUrls) {
            return switch (type) {
                case "pagerduty" -> new Channel(type, null, null, null, routingKey != null);
                case "slack" -> new Channel(type, null, null, null, url != null);
                default -> new Channel(type, null, wholeUrls ? url : OutboundAddresses.origin(url), null, secret != null);
            };
        }
    }

    /**
     * Members take turns of {@code shiftLength} (P7D: same local time each week, DST or not; PT12H: exact hours).
     * {@code turnsAhead} is daff's, never a client's: how many places along the members the turns were moved when the
     * members changed and whoever was on call stayed so (see {@link OnCall#keepingWhoIsOnCall}).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL) // a rotation never moved reads as the version before wrote it
    public record Rotation(
            @NotEmpty List<@NotBlank String> members,
            @NotBlank String shiftLength,
            @NotNull Instant startsAt,
            @NotBlank String timeZone,
            Integer turnsAhead) {

        public Rotation(List<String> members, String shiftLength, Instant startsAt, String timeZone) {
            this(members, shiftLength, startsAt, timeZone, null);
        }

        /** As sent, without a {@code turnsAhead} a client put in (one read back with GET, say). */
        Rotation asSent() {
            return turnsAhead == null ? this : new Rotation(members, shiftLength, startsAt, timeZone);
        }

        int turnsAheadOrNone() {
            return turnsAhead == null ? 0 : turnsAhead;
        }
    }

    public record Override(@NotBlank String handle, @NotNull Instant from, @NotNull Instant to) {
    }

    /**
     * Not acknowledged within {@code ackTimeout}: the next level is paged; after the last level, start again up to
     * {@code repeat} more times. Levels: PRIMARY, SECONDARY, TEAM.
     */
    public record Escalation(Duration ackTimeout,
            @Size(min = 1, max = 10) List<@NotNull @Pattern(regexp = "PRIMARY|SECONDARY|TEAM",
                    message = "must be PRIMARY, SECONDARY or TEAM") String> levels,
            @Min(0) @Max(10) Integer repeat) {

        public static final Escalation DEFAULT = new Escalation(Duration.ofMinutes(5), List.of("PRIMARY", "SECONDARY", "TEAM"), 2);

        Escalation withDefaults() {
            return new Escalation(ackTimeout == null ? DEFAULT.ackTimeout : ackTimeout,
                    levels == null ? DEFAULT.levels : levels, repeat == null ? DEFAULT.repeat : repeat);
        }
    }

    public Escalation escalationOrDefault() {
        return escalation == null ? Escalation.DEFAULT : escalation.withDefaults();
    }

    /**
     * When a page that has just been sent to {@code told} channels escalates: after the ackTimeout, or at the next
     * escalation check when nobody was told (an on-call without channels, and no team channels) — waiting out the
     * timeout for an answer nobody can give would only hold the page back from whoever can give one.
     */
    public Instant nextEscalationAt(int told, Instant now) {
        return told > 0 ? now.plus(escalationOrDefault().ackTimeout()) : now;
    }

    /** Who level {@code level} of the escalation is, with {@code onCall} on call. */
    public List<String> levelRecipients(int level, OnCall onCall) {
        return switch (escalationOrDefault().levels().get(level)) {
            case "SECONDARY" -> List.of(onCall.secondary());
            case "TEAM" -> members().stream().map(Member::handle).toList();
            default -> List.of(onCall.primary());
        };
    }

    public List<Channel> teamChannels() {
        return channels == null ? List.of() : channels;
    }

    /**
     * The team's own channels a page's trigger to {@code recipients} goes to: all of them the first time, and at a
     * level one of whose people (or that nobody) has no channel of their own. Told only the first time, a team
     * reached through its own channel alone had every later level pass at once, telling nobody, and its escalation
     * stopped within minutes; told only when nobody of the level had a channel, the on-call who came on shift without
     * one never heard of a page the one who left was paged again for beside them.
     */
    public List<Channel> teamChannelsFor(boolean first, java.util.Collection<String> recipients) {
        boolean someoneWithoutChannels = recipients.isEmpty() || recipients.stream()
                .anyMatch(handle -> member(handle).map(Member::channels).map(List::isEmpty).orElse(true));
        return first || someoneWithoutChannels ? teamChannels() : List.of();
    }

    public List<Override> overridesOrNone() {
        return overrides == null ? List.of() : overrides;
    }

    public TeamDefinition withRotation(Rotation replaced) {
        return replaced == rotation ? this
                : new TeamDefinition(members, channels, replaced, overrides, escalation, reackAfter);
    }

    /**
     * Without the overrides that ended before {@code cutoff}: they decide nobody's turn any more, and kept, a team
     * that covers a day off now and then reached the 500 a definition holds within a couple of years, and from then
     * on every PUT, the one adding today's cover too, was refused.
     */
    public TeamDefinition withoutOverridesEndedBefore(Instant cutoff) {
        if (overrides == null || overrides.stream().noneMatch(override -> override.to().isBefore(cutoff))) {
            return this;
        }
        return new TeamDefinition(members, channels, rotation,
                overrides.stream().filter(override -> !override.to().isBefore(cutoff)).toList(), escalation, reackAfter);
    }

    /** The member whose Slack user id is {@code slackUserId}, if any. */
    public java.util.Optional<Member> memberBySlackId(String slackUserId) {
        return members.stream().filter(member -> slackUserId != null && slackUserId.equals(member.slackUserId()))
                .findFirst();
    }

    public java.util.Optional<Member> member(String handle) {
        return members.stream().filter(member -> member.handle().equals(handle)).findFirst();
    }

    /**
     * As answered: secrets left out; webhook URLs whole for an admin, who edits them, and cut to their scheme and host
     * for everyone else.
     */
    public TeamDefinition masked(boolean wholeUrls) {
        return new TeamDefinition(
                members.stream().map(m -> new Member(m.handle(), m.name(), m.channels() == null ? null
                        : m.channels().stream().map(c -> c.masked(wholeUrls)).toList(), m.slackUserId())).toList(),
                channels == null ? null : channels.stream().map(c -> c.masked(wholeUrls)).toList(), rotation,
                overrides, escalationOrDefault(), reackAfter);
    }
}
