package dev.daff.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.daff.localinfra.JsonApi;
import dev.daff.localinfra.RecordingReceiver;
import dev.daff.localinfra.RecordingReceiver.Received;
import dev.daff.localinfra.ServiceProcess;

/**
 * The whole loop, through public HTTP APIs only, against the three packaged services in their own JVMs, a real
 * PostgreSQL, a real Kafka broker and a real HTTP server standing in for PagerDuty. The only difference from
 * production is a 1-second evaluation tick.
 */
class DaffEndToEndIT {

    static final Duration WAIT = Duration.ofSeconds(60);

    static Suite suite;
    static RecordingReceiver pagerDuty;
    static ServiceProcess slo;
    static ServiceProcess incident;
    static ServiceProcess action;
    static Map<String, String> tokens;

    final JsonApi api = new JsonApi();

    @BeforeAll
    static void startTheSuite() throws Exception {
        suite = Suite.start("e2e");
        pagerDuty = suite.pagerDuty;
        slo = suite.slo;
        incident = suite.incident;
        action = suite.action;
        tokens = suite.tokens;
    }

    @AfterAll
    static void stopTheSuite() {
        if (suite != null) {
            suite.close();
        }
    }

    String admin() {
        return tokens.get("daff-admin");
    }

    String responder() {
        return tokens.get("daff-responder");
    }

    String ingest() {
        return tokens.get("daff-ingest");
    }

    String viewer() {
        return tokens.get("daff-viewer");
    }

    /**
     * The local run answers this machine only: a packaged service listens on every interface, and the local console
     * hands out development tokens for every role to whoever asks, so anyone on the same network could have taken one.
     */
    @Test
    void theServicesAnswerThisMachineOnly() throws Exception {
        List<java.net.InetAddress> outside = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())
                .stream().filter(network -> {
                    try {
                        return network.isUp() && !network.isLoopback();
                    } catch (java.net.SocketException e) {
                        return false;
                    }
                }).flatMap(network -> java.util.Collections.list(network.getInetAddresses()).stream())
                .filter(address -> address instanceof java.net.Inet4Address).toList();
        org.junit.jupiter.api.Assumptions.assumeFalse(outside.isEmpty(), "this machine has no address but loopback");
        for (ServiceProcess service : List.of(slo, incident, action)) {
            for (java.net.InetAddress address : outside) {
                try (java.net.Socket socket = new java.net.Socket()) {
                    org.junit.jupiter.api.Assertions.assertThrows(java.net.ConnectException.class,
                            () -> socket.connect(new java.net.InetSocketAddress(address, service.port()), 2_000),
                            service.url() + " answers on " + address);
                }
            }
        }
    }

    @Test
    void burnPagesOpensAnIncidentAndTheIncidentFinalisesOnlyOnceASystemicActionIsDone() {
        Instant started = Instant.now();
        // 1. A team on call, the service catalog, an SLO, and a feature flag switched on a dependency.
        api.call("PUT", slo.url() + "/api/teams/edge", admin(), """
                {"members": [{"handle": "alice", "name": "Alice", "channels": [{"type": "pagerduty", "routingKey": "edge-routing-key"}]},
                             {"handle": "bob", "name": "Bob"}],
                 "rotation": {"members": ["alice", "bob"], "shiftLength": "P7D", "startsAt": "%s", "timeZone": "Europe/London"}}
                """.formatted(started.minus(Duration.ofDays(1))), 200);
        api.call("PUT", incident.url() + "/api/services/ingest-router", admin(), "{\"team\": \"edge\"}", 201);
        api.call("PUT", incident.url() + "/api/services/dns", admin(), "{\"team\": \"edge\", \"dependsOn\": [\"ingest-router\"]}", 201);
        api.call("POST", slo.url() + "/api/slos", admin(), """
                {"name": "dns-availability", "service": "dns", "team": "edge", "description": "DNS answers",
                 "objective": 99.9, "window": "30d"}""", 201);
        api.call("POST", incident.url() + "/api/changes", ingest(), """
                {"service": "ingest-router", "kind": "FEATURE_FLAG", "summary": "flag zone-aware-routing on for 100%%",
                 "author": "dana", "startedAt": "%s", "ref": "zone-aware-routing", "environment": "production"}
                """.formatted(started.minus(Duration.ofHours(3))), 201);

        // 2. An hour of good traffic, then two minutes where every request fails.
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        api.call("POST", slo.url() + "/api/slos/dns-availability/events", ingest(), traffic(now.minus(Duration.ofMinutes(60)), now, 0), 202);
        api.call("POST", slo.url() + "/api/slos/dns-availability/events", ingest(),
                traffic(now.minus(Duration.ofMinutes(1)), now.plus(Duration.ofMinutes(1)), 1000), 202);

        // 3. The page reaches PagerDuty with the Events API v2 body, and an incident is open.
        await().atMost(WAIT).until(() -> !triggers().isEmpty());
        JsonNode page = api.read(triggers().get(0).body());
        assertEquals("edge-routing-key", page.get("routing_key").asText());
        assertEquals("trigger", page.get("event_action").asText());
        assertTrue(page.get("dedup_key").asText().startsWith("dns-availability:PAGE:BURN_RATE:"));
        assertEquals("critical", page.at("/payload/severity").asText());
        assertEquals("dns", page.at("/payload/source").asText());
        assertTrue(page.at("/payload/summary").asText().contains("SLO dns-availability (dns) is burning its error budget"),
                page.at("/payload/summary").asText());
        assertEquals("1h/5m", page.at("/payload/custom_details/tier").asText());

        await().atMost(WAIT).until(() -> api.get(incident.url() + "/api/incidents?service=dns", viewer()).get("total").asInt() == 1);
        JsonNode opened = api.get(incident.url() + "/api/incidents?service=dns", viewer()).get("items").get(0);
        String id = opened.get("id").asText();
        assertEquals("SLO_BURN", opened.get("detectionSource").asText());
        assertEquals("edge", opened.get("team").asText());
        JsonNode changes = api.get(incident.url() + "/api/incidents/" + id + "/changes", viewer()).get("changes");
        JsonNode flag = StreamSupport.stream(changes.spliterator(), false)
                .filter(change -> "FEATURE_FLAG".equals(change.at("/change/kind").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("what changed? lacks the flag: " + changes));
        assertTrue(flag.get("reason").asText().startsWith("FEATURE_FLAG on ingest-router, a dependency of dns, "),
                flag.get("reason").asText());

        // 3b. The deploy gate knows it all from the real burn (slo-service's budget snapshots on daff.slo-budgets),
        // the open incident and the page nobody has acknowledged: dns may not ship; what depends on it is warned.
        String gateRequest = "{\"service\": \"%s\", \"environment\": \"production\", \"kind\": \"DEPLOY\", \"ref\": \"v42\"}";
        await().atMost(WAIT).until(() -> gateCodes(api.call("POST", incident.url() + "/api/deploy-decisions", ingest(),
                gateRequest.formatted("dns"), 201)).containsAll(List.of("BLOCK INCIDENT_OPEN", "BLOCK PAGE_UNACKNOWLEDGED",
                        "BLOCK BUDGET_EXHAUSTED", "BLOCK FAST_BURN")));
        JsonNode dependency = api.call("POST", incident.url() + "/api/deploy-decisions", ingest(),
                gateRequest.formatted("ingest-router"), 201);
        assertEquals("WARN", dependency.get("decision").asText(), dependency.toString());
        assertTrue(gateCodes(dependency).contains("WARN INCIDENT_OPEN"), dependency.toString());

        // 4. Acknowledge the page; work the incident to RESOLVED; a WASHUP action appears for the team.
        String pageId = api.get(slo.url() + "/api/pages?team=edge", viewer()).get(0).get("id").asText();
        JsonNode acked = api.call("POST", slo.url() + "/api/pages/" + pageId + "/ack", responder(), "{}", 200);
        assertEquals("ACKNOWLEDGED", acked.get("state").asText());
        for (String to : List.of("ANALYSING", "FIXING", "RESOLVED")) {
            api.call("POST", incident.url() + "/api/incidents/" + id + "/transitions", responder(), "{\"to\": \"" + to + "\"}", 200);
        }
        await().atMost(WAIT).until(() -> actions(id).size() == 1);
        JsonNode washupAction = actions(id).get(0);
        assertEquals("WASHUP", washupAction.get("kind").asText());
        assertEquals("edge", washupAction.get("ownerTeam").asText());

        // 5. Cause and washup; FINALISED is refused until a SYSTEMIC action exists and is done.
        api.call("PUT", incident.url() + "/api/incidents/" + id + "/cause", responder(),
                "{\"class\": \"CHANGE\", \"seams\": [\"FEATURE_FLAG\"], \"summary\": \"zone-aware routing sent one zone's DNS to a dead resolver\"}", 200);
        api.call("PUT", incident.url() + "/api/incidents/" + id + "/washup", responder(), """
                {"summary": "DNS failed in one zone", "impact": "3 %% of requests for 40 min", "trigger": "feature flag",
                 "rootCause": "the flag routed zone c to a resolver that was being decommissioned",
                 "whys": ["the resolver list was stale"], "oneMoreWhy": "flags can change routing with no review of dependencies",
                 "wentWell": ["the SLO burn alert paged"], "wentWrong": ["no zone-level dashboard"], "gotLucky": [],
                 "detection": "SLO burn alert"}""", 200);
        JsonNode reviewed = api.call("POST", incident.url() + "/api/incidents/" + id + "/washup/review", responder(), "{}", 200);
        String responderName = reviewed.get("reviewedBy").asText(); // from the token, as every record naming a person
        JsonNode refused = api.call("POST", incident.url() + "/api/incidents/" + id + "/transitions", responder(),
                "{\"to\": \"FINALISED\"}", 409);
        assertTrue(codes(refused.get("unmet")).contains("NO_SYSTEMIC_ACTION"), refused.toString());
        await().atMost(WAIT).until(() -> "DONE".equals(actions(id).get(0).get("status").asText())); // closed by WashupReviewed
        assertEquals("daff", actions(id).get(0).get("closedBy").asText(), actions(id).toString());

        JsonNode systemic = api.call("POST", action.url() + "/api/actions", responder(), """
                {"incidentId": "%s", "title": "Feature flags that change routing need a dependency review",
                 "ownerTeam": "platform", "kind": "PREVENT", "scope": "SYSTEMIC", "priority": "P2",
                 "systemicRationale": "any flag can reroute traffic for every service; the review stops the class"}
                """.formatted(id), 201);
        assertEquals(responderName, systemic.get("createdBy").asText(), systemic.toString());
        // The checklist names every condition, met or not: what must hold is that ACTIONS_OPEN is the one unmet
        // condition while the SYSTEMIC action is open (the action itself meets NO_SYSTEMIC_ACTION), and that it is
        // met once the action is DONE.
        await().atMost(WAIT).until(() -> unmet(gate(id)).equals(List.of("ACTIONS_OPEN")));
        assertEquals(1, gate(id).at("/actionSummary/systemicOpen").asInt(), gate(id).toString());
        JsonNode stillRefused = api.call("POST", incident.url() + "/api/incidents/" + id + "/transitions", responder(),
                "{\"to\": \"FINALISED\"}", 409);
        assertEquals(List.of("ACTIONS_OPEN"), codes(stillRefused.get("unmet")), stillRefused.toString());
        JsonNode done = api.call("POST", action.url() + "/api/actions/" + systemic.get("id").asText() + "/transitions",
                responder(), "{\"to\": \"DONE\"}", 200);
        assertEquals(responderName, done.get("closedBy").asText(), done.toString());
        await().atMost(WAIT).until(() -> gate(id).get("finalisable").asBoolean());
        assertEquals(List.of(), unmet(gate(id)), gate(id).toString());
        JsonNode finalised = api.call("POST", incident.url() + "/api/incidents/" + id + "/transitions", responder(),
                "{\"to\": \"FINALISED\"}", 200);
        assertEquals("FINALISED", finalised.get("status").asText());
        String washupMarkdown = api.text(incident.url() + "/api/incidents/" + id + "/washup.md", viewer());
        // The WASHUP action is the team's reminder, not counted work: the review itself is what the gate reads.
        assertTrue(washupMarkdown.contains("- 1 action: 0 open; systemic: 1 done, 0 open"), washupMarkdown);

        // 6. The meta-review for the period counts it as a change at a feature-flag seam, with its time to restore.
        JsonNode review = api.get(incident.url() + "/api/meta-review?from=" + started.minus(Duration.ofHours(1)) + "&to="
                + Instant.now().plus(Duration.ofHours(1)), viewer());
        assertEquals(1, review.get("incidents").asInt());
        assertEquals(1, review.at("/byCauseClass/CHANGE").asInt());
        assertEquals(1, review.at("/bySeam/FEATURE_FLAG").asInt());
        assertEquals(1, review.at("/mttr/count").asInt());
        assertTrue(review.at("/mttr/meanSeconds").asDouble() > 0, review.toString());

        // 7. Every metric the Grafana dashboards (deploy/grafana) and the self-alerts (deploy/prometheus) query is one the
        // services expose, now that the loop has run once (a counter appears with its first increment, the incident
        // gauges at their next refresh).
        Set<String> wanted = queriedMetrics();
        await().atMost(WAIT).untilAsserted(() -> {
            Set<String> missing = new TreeSet<>(wanted);
            missing.removeAll(exposedMetrics());
            assertEquals(Set.of(), missing, "metrics the dashboards or the self-alerts query but no service exposes");
        });
    }

    @Test
    void eachServiceRunsWithTheJvmOptionsItsImageGivesIt() throws Exception {
        // incident- and action-service C1 only, slo-service C1 then C2, and all three trimming the native heap: from each
        // module's jvm.options, which the image's JAVA_OPTS_APPEND names and ServiceProcess passes, so what runs here is
        // what a pod runs.
        Map<ServiceProcess, String> expected = Map.of(incident, "incident-service", action, "action-service", slo,
                "slo-service");
        expected.forEach((service, module) -> {
            String dockerfile = read(Path.of("..", module, "src/main/docker/Dockerfile.jvm"));
            assertTrue(dockerfile.contains("COPY --chown=185 src/main/docker/jvm.options /deployments/")
                    && dockerfile.matches("(?s).*ENV JAVA_OPTS_APPEND=\"[^\"]*@/deployments/jvm\\.options\".*"),
                    module + "'s image passes its jvm.options");
            String flags = jcmd(service, "VM.flags");
            assertEquals(!module.equals("slo-service"), flags.contains("-XX:TieredStopAtLevel=1"), module + " runs C1 only");
            assertTrue(flags.contains("-XX:TrimNativeHeapInterval=5000"), module + " gives freed native memory back: " + flags);
        });
    }

    static String jcmd(ServiceProcess service, String command) {
        try {
            Process jcmd = new ProcessBuilder(service.javaBin().resolve("jcmd").toString(), String.valueOf(service.pid()),
                    command).redirectErrorStream(true).start();
            String out = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(0, jcmd.waitFor(), out);
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The names of the metrics the three services expose now. */
    Set<String> exposedMetrics() {
        return Stream.of(slo, incident, action).flatMap(service -> api.text(service.url() + "/q/metrics", viewer()).lines())
                .filter(line -> !line.startsWith("#")).map(line -> line.split("[{ ]", 2)[0]).collect(Collectors.toSet());
    }

    /** The metric names in every query of every dashboard in deploy/grafana and every rule in deploy/prometheus. */
    static Set<String> queriedMetrics() {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.list(Path.of("..", "deploy", "grafana"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                for (JsonNode expr : new JsonApi().read(Files.readString(file)).findValues("expr")) {
                    Matcher metric = METRIC.matcher(expr.asText());
                    while (metric.find()) {
                        names.add(metric.group());
                    }
                }
            }
            // and daff's alerts on itself: a rule on a metric no service exposes would never fire
            // (an expression may go on over several lines: every line but comments and annotations)
            for (String line : Files.readAllLines(Path.of("..", "deploy", "prometheus", "daff-self-alerts.yaml"))) {
                if (!line.strip().startsWith("#") && !line.strip().startsWith("summary:")) {
                    Matcher metric = METRIC.matcher(line);
                    while (metric.find()) {
                        names.add(metric.group());
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertTrue(names.size() >= 10, "the dashboards query " + names);
        assertTrue(names.contains("daff_paging_pages_unreached_total") && names.contains("process_uptime_seconds"),
                "the self-alerts were read, their expressions whole: " + names);
        return names;
    }

    /**
     * A metric name in PromQL: daff's own, the Kafka clients' (functions and labels never start so), and the process
     * uptime the self-alerts use to tell a young replica's first counts.
     */
    static final Pattern METRIC = Pattern.compile("\\b(daff|kafka)_[a-z0-9_]+\\b|\\bprocess_uptime_seconds\\b");

    List<Received> triggers() {
        return pagerDuty.received(r -> r.path().equals("/v2/enqueue") && r.body().contains("\"event_action\":\"trigger\""));
    }

    List<JsonNode> actions(String incidentId) {
        JsonNode list = api.get(action.url() + "/api/actions?incidentId=" + incidentId, viewer());
        List<JsonNode> actions = new ArrayList<>();
        list.forEach(actions::add);
        return actions;
    }

    JsonNode gate(String incidentId) {
        return api.get(incident.url() + "/api/incidents/" + incidentId + "/finalisation", viewer());
    }

    /** The codes of the checklist's unmet conditions. */
    static List<String> unmet(JsonNode gate) {
        return StreamSupport.stream(gate.get("conditions").spliterator(), false)
                .filter(condition -> !condition.get("met").asBoolean()).map(condition -> condition.get("code").asText())
                .toList();
    }

    /** The codes of a refusal's {@code unmet} list. */
    static List<String> codes(JsonNode unmet) {
        return StreamSupport.stream(unmet.spliterator(), false).map(condition -> condition.get("code").asText()).toList();
    }

    /** One observation per minute over [from, to), 1000 events each, {@code bad} of them failing. */
    static String traffic(Instant from, Instant to, int bad) {
        StringJoiner batch = new StringJoiner(",", "[", "]");
        for (Instant at = from; at.isBefore(to); at = at.plusSeconds(60)) {
            Instant observed = at.isAfter(Instant.now()) ? Instant.now() : at;
            batch.add("{\"at\": \"" + observed + "\", \"good\": " + (1000 - bad) + ", \"total\": 1000}");
        }
        return batch.toString();
    }

    /** "SEVERITY CODE" of each reason of a deploy decision. */
    static List<String> gateCodes(JsonNode decision) {
        return StreamSupport.stream(decision.get("reasons").spliterator(), false)
                .map(reason -> reason.get("severity").asText() + " " + reason.get("code").asText()).toList();
    }
}
