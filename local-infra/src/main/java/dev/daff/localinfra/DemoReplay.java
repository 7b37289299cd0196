package dev.daff.localinfra;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Replays the Honeycomb DNS incident against the running local suite: an edge DNS service spread over eight
 * zones, one of which fails a quarter of its requests for the last 40 minutes. That is about 3 % of all
 * traffic — below any per-host threshold anyone would set — yet a fast burn of a 99.9 % SLO (≈ 20× over 1 h,
 * ≈ 30× over 5 min), so the page fires at the next evaluation, reaches a local receiver that prints it, and
 * opens an incident whose "what changed?" shows the flag flipped on a dependency.
 */
final class DemoReplay {

    static final List<String> ZONES = List.of("eu-west-1a", "eu-west-1b", "eu-west-1c", "us-east-1a", "us-east-1b",
            "us-east-1c", "ap-south-1a", "ap-south-1b");
    static final String FAILING_ZONE = "eu-west-1c";
    static final int REQUESTS_PER_ZONE_MINUTE = 1_000;
    static final Duration HISTORY = Duration.ofHours(3);
    static final Duration OUTAGE = Duration.ofMinutes(40);
    /** A little less than the 30-day window, so every observation is inside it. */
    static final Duration MONTH = Duration.ofDays(29);

    private final String slo;
    private final String incident;
    private final Map<String, String> tokens;
    private final JsonApi api = new JsonApi();

    DemoReplay(String sloUrl, String incidentUrl, Map<String, String> tokens) {
        this.slo = sloUrl;
        this.incident = incidentUrl;
        this.tokens = tokens;
    }

    void run() throws InterruptedException {
        RecordingReceiver receiver = RecordingReceiver.start();
        CountDownLatch paged = new CountDownLatch(1);
        receiver.onReceive(request -> {
            JsonNode page = api.read(request.body());
            say("");
            say("📟 PAGE delivered to the on-call's webhook (%s):", request.path());
            say("   %s", page.at("/page/summary").asText());
            say("   recipient: %s, dedupKey: %s", page.at("/page/recipient").asText(), page.at("/page/dedupKey").asText());
            paged.countDown();
        });
        try {
            String admin = tokens.get("daff-admin");
            String name = "edge-dns-" + Instant.now().truncatedTo(ChronoUnit.MINUTES).getEpochSecond() / 60;
            say("daff demo: replaying the DNS failure in one zone of eight (SLO %s, 99.9 %% over 30 days)", name);
            api.call("PUT", slo + "/api/teams/edge", admin, """
                    {"members": [{"handle": "ana", "name": "Ana (on call)", "channels": [{"type": "webhook", "url": "%s"}]},
                                 {"handle": "ben", "name": "Ben"}],
                     "rotation": {"members": ["ana", "ben"], "shiftLength": "P7D", "startsAt": "%s", "timeZone": "Europe/London"}}
                    """.formatted(receiver.url("/oncall/ana"), Instant.now().minus(Duration.ofDays(1))), 200);
            api.call("PUT", incident + "/api/services/edge-resolver-config", admin, "{\"team\": \"edge\"}", -1);
            api.call("PUT", incident + "/api/services/edge-dns", admin,
                    "{\"team\": \"edge\", \"dependsOn\": [\"edge-resolver-config\"]}", -1);
            api.call("POST", slo + "/api/slos", admin, """
                    {"name": "%s", "service": "edge-dns", "team": "edge", "objective": 99.9, "window": "30d",
                     "description": "DNS lookups answered correctly, all zones"}""".formatted(name), 201);
            api.call("POST", incident + "/api/changes", tokens.get("daff-ingest"), """
                    {"service": "edge-resolver-config", "kind": "FEATURE_FLAG", "summary": "resolver pool v2 enabled in eu-west-1c",
                     "author": "sam", "startedAt": "%s", "ref": "resolver-pool-v2", "environment": "production"}
                    """.formatted(Instant.now().minus(OUTAGE).minus(Duration.ofMinutes(5))), 201);
            long[] counts = replay(name);
            say("sent %,d requests over the last 29 days (the last %d h minute by minute, zone by zone); %,d failed, all in %s during the last %d min (%.1f %% of the last"
                    + " hour, %.1f %% of that zone)", counts[0], HISTORY.toHours(), counts[1], FAILING_ZONE,
                    OUTAGE.toMinutes(), 100.0 * counts[2] / counts[3], 25.0);
            say("waiting for the next evaluation (every 10 s) ...");
            if (!paged.await(90, TimeUnit.SECONDS)) {
                say("no page within 90 s: see .daff-local/logs/slo-service.log");
                return;
            }
            JsonNode status = api.get(slo + "/api/slos/" + name + "/status", tokens.get("daff-viewer"));
            say("   burn rate: %.1f× over 1 h, %.1f× over 5 min; budget left %.2f %%", status.at("/burnRates/1h/burnRate").asDouble(),
                    status.at("/burnRates/5m/burnRate").asDouble(), 100 * status.at("/budget/remaining").asDouble());
            JsonNode opened = awaitIncident();
            String id = opened.get("id").asText();
            say("");
            say("incident %s: %s (%s, detected by %s)", id, opened.get("title").asText(), opened.get("severity").asText(),
                    opened.get("detectionSource").asText());
            if (!opened.get("title").asText().contains(name)) {
                say("   (an earlier run's incident for edge-dns is still open: the new alert joined its timeline)");
            }
            JsonNode changes = api.get(incident + "/api/incidents/" + id + "/changes", tokens.get("daff-viewer")).get("changes");
            changes.forEach(change -> say("   what changed? %s", change.get("reason").asText()));
            say("");
            say("where to look (send a token: see .daff-local/keys/tokens.txt):");
            say("   incident   %s/api/incidents/%s", incident, id);
            say("   timeline   %s/api/incidents/%s/timeline", incident, id);
            say("   changes    %s/api/incidents/%s/changes", incident, id);
            say("   SLO status %s/api/slos/%s/status", slo, name);
            say("   pages      %s/api/pages?team=edge", slo);
        } finally {
            receiver.close();
        }
    }

    /** Answers {requests, failures, failures in the last hour, requests in the last hour}. */
    private long[] replay(String name) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        Instant outageStart = now.minus(OUTAGE);
        long requests = 0;
        long failures = 0;
        long lastHourFailures = 0;
        long lastHourRequests = 0;
        StringJoiner batch = new StringJoiner(",", "[", "]");
        // The month before, hour by hour (a healthy service: its budget is nearly whole when the zone breaks).
        long hourly = (long) REQUESTS_PER_ZONE_MINUTE * ZONES.size() * 60;
        for (Instant hour = now.minus(MONTH); hour.isBefore(now.minus(HISTORY)); hour = hour.plus(Duration.ofHours(1))) {
            batch.add("{\"at\": \"" + hour + "\", \"good\": " + hourly + ", \"total\": " + hourly + "}");
            requests += hourly;
        }
        // The last hours, minute by minute and zone by zone.
        for (Instant minute = now.minus(HISTORY); !minute.isAfter(now); minute = minute.plusSeconds(60)) {
            for (String zone : ZONES) {
                long bad = zone.equals(FAILING_ZONE) && !minute.isBefore(outageStart) ? REQUESTS_PER_ZONE_MINUTE / 4 : 0;
                Instant at = minute.equals(now) ? Instant.now() : minute.plusSeconds(ZONES.indexOf(zone));
                batch.add("{\"at\": \"" + at + "\", \"good\": " + (REQUESTS_PER_ZONE_MINUTE - bad) + ", \"total\": "
                        + REQUESTS_PER_ZONE_MINUTE + "}");
                requests += REQUESTS_PER_ZONE_MINUTE;
                failures += bad;
                if (minute.isAfter(now.minus(Duration.ofHours(1)))) {
                    lastHourRequests += REQUESTS_PER_ZONE_MINUTE;
                    lastHourFailures += bad;
                }
            }
        }
        api.call("POST", slo + "/api/slos/" + name + "/events", tokens.get("daff-ingest"), batch.toString(), 202);
        return new long[] { requests, failures, lastHourFailures, lastHourRequests };
    }

    private JsonNode awaitIncident() throws InterruptedException {
        for (int i = 0; i < 60; i++) {
            JsonNode open = api.get(incident + "/api/incidents?service=edge-dns&status=DISCOVERED", tokens.get("daff-viewer"))
                    .get("items");
            if (open.size() > 0) {
                return open.get(0);
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("no incident opened for edge-dns within 30 s");
    }

    private static void say(String format, Object... args) {
        System.out.println(args.length == 0 ? format : String.format(format, args));
    }
}
