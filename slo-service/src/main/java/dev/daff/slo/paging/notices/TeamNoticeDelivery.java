package dev.daff.slo.paging.notices;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.daff.events.TeamNotice;
import dev.daff.kit.messaging.UnprocessableEvent;
import dev.daff.slo.paging.delivery.NotificationQueue;
import dev.daff.slo.paging.delivery.NotificationQueue.Destination;
import dev.daff.slo.paging.delivery.SlackText;
import dev.daff.slo.paging.oncall.TeamDefinition;
import dev.daff.slo.paging.oncall.TeamService;

/**
 * Queues a team notice for the team's own channels (the team-level Slack and webhook channels), as low-urgency
 * notifications the page dispatcher delivers with the same sender, signature, address guard and retries as pages.
 * Never PagerDuty: a reminder must not wake anyone. A team without such a channel, or not defined here, gets nothing
 * (logged once per team and replica, so a weekly report to a PagerDuty-only team does not fill the log).
 */
@ApplicationScoped
public class TeamNoticeDelivery {

    private static final Logger LOG = Logger.getLogger(TeamNoticeDelivery.class);
    /** The {@code page_notification.action} of a notice: it belongs to no page. */
    public static final String ACTION = "notice";

    private final TeamService teams;
    private final NotificationQueue queue;
    private final ObjectMapper json;
    /**
     * How many teams told of are remembered, the least recently told forgotten first (and told of again, once, if a
     * notice comes for it). A notice's team is anyone's text: notices naming ever new teams grew the set for good.
     */
    static final int TOLD_AT_MOST = 1_000;
    /** A team name's longest (the {@code team} table's); longer ones are remembered and logged cut to it. */
    static final int NAME_AT_MOST = 100;

    private final Set<String> toldNoChannel = Collections.synchronizedSet(Collections.newSetFromMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > TOLD_AT_MOST;
                }
            }));

    public TeamNoticeDelivery(TeamService teams, NotificationQueue queue, ObjectMapper json) {
        this.teams = teams;
        this.queue = queue;
        this.json = json;
    }

    /** Runs in the consumer's transaction, with the processed-event record. */
    void queue(TeamNotice notice) {
        if (notice.team() == null || notice.team().isBlank() || notice.summary() == null) {
            throw new UnprocessableEvent("team and summary are required");
        }
        Optional<TeamDefinition> team = teams.definition(notice.team());
        List<TeamDefinition.Channel> channels = team.map(TeamDefinition::teamChannels).orElse(List.of());
        int queued = 0;
        for (int i = 0; i < channels.size(); i++) {
            TeamDefinition.Channel channel = channels.get(i);
            // Named with the team: notices to different teams' Slack channels (whose URL is the sealed secret, so
            // no endpoint tells them apart) must not wait in one line behind a team whose Slack is down.
            String ref = "team:" + notice.team() + "/" + i;
            switch (channel.type()) {
                case "slack" -> queue.queue(null, ACTION, new Destination(null, ref, "slack", null, channel.url()),
                        slack(notice));
                case "webhook" -> queue.queue(null, ACTION, new Destination(null, ref, "webhook", channel.url(),
                        channel.secret()), webhook(notice));
                default -> {
                    continue; // PagerDuty pages people; a notice never does
                }
            }
            queued++;
        }
        if (queued > 0) {
            return;
        }
        String told = notice.team().length() > NAME_AT_MOST ? notice.team().substring(0, NAME_AT_MOST) : notice.team();
        if (toldNoChannel.add(told)) {
            LOG.infof("team %s gets no notices (%s): %s", told, notice.type(), team.isEmpty() ? "no such team is defined"
                    : "it has no team-level Slack or webhook channel");
        }
    }

    /** The team names remembered as told of, least recently told first. */
    List<String> toldNoChannel() {
        synchronized (toldNoChannel) {
            return List.copyOf(toldNoChannel);
        }
    }

    private String slack(TeamNotice notice) {
        ObjectNode message = json.createObjectNode();
        message.put("text", SlackText.escaped(notice.summary()));
        return write(message);
    }

    /** The notice as action-service published it, under the kind of message it is. */
    private String webhook(TeamNotice notice) {
        ObjectNode message = json.createObjectNode();
        message.put("type", "team.notice");
        message.set("notice", json.valueToTree(notice));
        return write(message);
    }

    private String write(ObjectNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
