package dev.daff.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** deploy/overlays/dev and deploy/overlays/prod pass every check. */
class DeployOverlaysTest {

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void rendersWithKubectlKustomize(String overlay) {
        Overlay o = Overlay.deploy(overlay);
        assertTrue(o.render().ok(), () -> "kubectl kustomize failed: " + o.render().stderr());
        assertTrue(o.objects().size() > 30, "rendered only " + o.objects().size() + " objects");
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void bindsStrictlyToTypedModels(String overlay) {
        Overlay o = Overlay.deploy(overlay);
        o.objects();
        assertEquals(List.of(), o.binding().problems());
    }

    @Test
    void prodHasAServiceMonitorPerServiceScrapingItsNamedPortAtTheMetricsPath() {
        List<HasMetadata> objects = Overlay.deploy("prod").objects();
        assertEquals(List.of(), ServiceMonitors.check(objects));
        assertEquals(new TreeSet<>(ServiceMonitors.SCRAPED), objects.stream().filter(ServiceMonitor.class::isInstance)
                .map(Checks::name).collect(Collectors.toCollection(TreeSet::new)));
        for (HasMetadata monitor : objects.stream().filter(ServiceMonitor.class::isInstance).toList()) {
            assertEquals("kube-prometheus-stack", monitor.getMetadata().getLabels().get("release"), Checks.name(monitor));
            assertEquals(List.of("30s"), ((ServiceMonitor) monitor).getSpec().endpoints().stream()
                    .map(ServiceMonitor.Endpoint::interval).toList(), Checks.name(monitor));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void crossReferencesResolve(String overlay) {
        assertEquals(List.of(), Checks.crossReferences(Overlay.deploy(overlay).objects()));
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void everyTopicTheServicesUseHasAKafkaTopicAndViceVersa(String overlay) {
        assertEquals(List.of(), Checks.topics(Overlay.deploy(overlay).objects()));
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void probesUseTheServicesHealthPaths(String overlay) {
        assertEquals(List.of(), Checks.probes(Overlay.deploy(overlay).objects()));
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void environmentNamesAreRealConfigurationKeys(String overlay) {
        assertEquals(List.of(), Checks.configNames(Overlay.deploy(overlay).objects()));
    }

    @ParameterizedTest
    @ValueSource(strings = { "base", "dev", "prod" })
    void postgresqlAdmitsEveryConnectionThePoolsMayOpenAtOnce(String overlay) {
        List<HasMetadata> objects = Overlay.deployOrBase(overlay).objects();
        assertEquals(List.of(), ConnectionBudget.check(objects));
        // every service is counted, against the one server they share
        var servers = ConnectionBudget.servers(objects, new ArrayList<>());
        assertEquals(Set.of("StatefulSet/postgres"), servers.keySet());
        assertEquals(new TreeSet<>(Project.SERVICES), servers.get("StatefulSet/postgres").clients().stream()
                .map(ConnectionBudget.Client::deployment).collect(Collectors.toCollection(TreeSet::new)));
    }

    @Test
    void theConnectionBudgetCountsEveryPodAnHpaAndARolloutMayRun() {
        var prod = ConnectionBudget.servers(Overlay.deploy("prod").objects(), new ArrayList<>()).get("StatefulSet/postgres");
        // HPA maxReplicas 6, maxSurge 1, one pod still stopping
        assertEquals(List.of(8, 8, 8), prod.clients().stream().map(ConnectionBudget.Client::pods).toList());
        var dev = ConnectionBudget.servers(Overlay.deploy("dev").objects(), new ArrayList<>()).get("StatefulSet/postgres");
        assertEquals(List.of(4, 4, 4), dev.clients().stream().map(ConnectionBudget.Client::pods).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void probesWaitSeveralSecondsForAnAnswer(String overlay) {
        assertEquals(List.of(), PodLifecycle.probeTimeouts(Overlay.deploy(overlay).objects()));
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void podsLeaveTheRoutesBeforeQuarkusStopsAndFinishWithinTheirGracePeriod(String overlay) {
        assertEquals(List.of(), PodLifecycle.gracefulStop(Overlay.deploy(overlay).objects()));
    }

    @Test
    void theLongestStopIsReadFromTheServicesConfigurationAndCode() {
        var slo = PodLifecycle.longestStop("slo-service");
        assertEquals(Duration.ofSeconds(15), slo.get("requests"));
        assertEquals(Duration.ofSeconds(6), slo.get("PageDispatcher at shutdown")); // delivery-timeout 5 s + 1 s
        assertEquals(Duration.ofSeconds(10), slo.get("SliConsumer at shutdown"));
        assertEquals(Duration.ofSeconds(5), slo.get("worker threads"));
        assertEquals(Duration.ofSeconds(5), slo.get("OutboxRelay closing"));
        assertEquals(Duration.ofMinutes(1), PodLifecycle.longestStop(Project.CONSOLE).get("worker threads"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "base", "dev", "prod" })
    void noDeploymentAnHpaScalesSetsItsOwnReplicas(String overlay) {
        assertEquals(List.of(), PodLifecycle.autoscaledReplicas(Overlay.deployOrBase(overlay).objects()));
    }

    @Test
    void theKafkaAclTableOfTheReadmeNamesWhatEachUserIsGranted() {
        assertEquals(List.of(), KafkaAcls.readmeTable(Overlay.deploy("prod").objects()));
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void workloadsAreLockedDownSizedProbedAndRollWithoutLosingCapacity(String overlay) {
        assertEquals(List.of(), Checks.workloadRules(Overlay.deploy(overlay).objects()));
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void ingressRoutesEveryApiPathToItsServiceAndEveryIngressPathReachesOne(String overlay) {
        assertEquals(List.of(), IngressRoutes.check(Overlay.deploy(overlay).objects(), apiPaths()));
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void everyIngressHostIsServedOverTls(String overlay) {
        assertEquals(List.of(), ClusterSecurity.ingressTls(Overlay.deploy(overlay).objects()));
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void kafkaUsersMayDoExactlyWhatTheirClientsDo(String overlay) {
        assertEquals(List.of(), KafkaAcls.check(Overlay.deploy(overlay).objects()));
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void everyPodMeetsTheRestrictedPodSecurityStandardTheNamespaceEnforces(String overlay) {
        assertEquals(List.of(), ClusterSecurity.podSecurity(Overlay.deploy(overlay).objects()));
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void theNamespaceDeniesAllTrafficItDoesNotAllow(String overlay) {
        assertEquals(List.of(), ClusterSecurity.networkIsolation(Overlay.deploy(overlay).objects()));
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void postgresqlIsReachedOverTlsOnly(String overlay) {
        assertEquals(List.of(), ClusterSecurity.databaseTls(Overlay.deploy(overlay).objects()));
    }

    @ParameterizedTest
    @ValueSource(strings = { "dev", "prod" })
    void everyServiceHasItsObjects(String overlay) {
        Set<String> have = new TreeSet<>();
        Overlay.deploy(overlay).objects().forEach(o -> have.add(o.getKind() + "/" + o.getMetadata().getName()));
        for (String s : Project.SERVICES) {
            for (String kind : List.of("Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget",
                    "NetworkPolicy", "KafkaUser")) {
                String id = kind + "/" + (kind.equals("KafkaUser") ? s + "-kafka" : s);
                assertTrue(have.contains(id), overlay + " lacks " + id);
            }
            assertTrue(have.contains("ConfigMap/" + s + "-config"), overlay + " lacks the ConfigMap of " + s);
        }
        for (String kind : List.of("Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy",
                "ConfigMap")) {
            String id = kind + "/" + (kind.equals("ConfigMap") ? "console-config" : Project.CONSOLE);
            assertTrue(have.contains(id), overlay + " lacks " + id);
        }
        assertTrue(have.containsAll(Set.of("Kafka/daff", "StatefulSet/postgres", "Namespace/daff", "Ingress/daff")), have::toString);
    }

    @Test
    void theConsoleIsOnTheApiHostItsInternalsAreNotAndItReachesOnlyTheServices() {
        List<HasMetadata> objects = Overlay.deploy("prod").objects();
        var routes = IngressRoutes.routes(objects).get("daff.example.com");
        for (String uri : List.of("/", "/console.js", "/webjars/echarts/5.3.1/dist/echarts.min.js", "/api/slo/slos",
                "/api/incident/incidents/p1", "/api/action/actions", "/sign-in/options", "/sign-in/oidc", "/sign-out")) {
            assertEquals(Project.CONSOLE, IngressRoutes.route(routes, uri).map(IngressRoutes.Route::service).orElse(null), uri);
        }
        assertEquals("slo-service", IngressRoutes.route(routes, "/api/slos").orElseThrow().service());
        for (String uri : List.of("/q/health/ready", "/q/metrics", "/dev/tokens")) {
            assertTrue(IngressRoutes.route(routes, uri).isEmpty(), uri + " is public");
        }
        var policy = of(objects, io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class).stream()
                .filter(p -> p.getMetadata().getName().equals(Project.CONSOLE)).findFirst().orElseThrow();
        // the three services' pods, and the OpenID Connect provider: HTTPS outside the cluster's private ranges only
        Set<String> reaches = new TreeSet<>();
        policy.getSpec().getEgress().forEach(rule -> rule.getTo().forEach(peer -> reaches.add(peer.getIpBlock() != null
                ? peer.getIpBlock().getCidr() + " except " + peer.getIpBlock().getExcept() + " on " + rule.getPorts().stream()
                        .map(port -> port.getPort().getIntVal() + "/" + port.getProtocol()).toList()
                : String.valueOf(peer.getPodSelector().getMatchLabels().get("app.kubernetes.io/name")))));
        Set<String> expected = new TreeSet<>(Project.SERVICES);
        expected.add("0.0.0.0/0 except [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16] on [443/TCP]");
        assertEquals(expected, reaches);
        for (String service : Project.SERVICES) {
            var admitted = of(objects, io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class).stream()
                    .filter(p -> p.getMetadata().getName().equals(service)).findFirst().orElseThrow()
                    .getSpec().getIngress().stream().flatMap(rule -> rule.getFrom().stream())
                    .anyMatch(peer -> peer.getNamespaceSelector() == null && peer.getPodSelector() != null
                            && Project.CONSOLE.equals(nonNullLabels(peer.getPodSelector()).get("app.kubernetes.io/name")));
            assertTrue(admitted, service + "'s NetworkPolicy does not admit the console");
        }
        assertTrue(Project.prodProperties(Project.CONSOLE).keySet().stream().noneMatch(k -> k.startsWith("daff.console.dev-tokens")),
                "production configuration sets the development tokens file");
    }

    private static Map<String, String> nonNullLabels(io.fabric8.kubernetes.api.model.LabelSelector selector) {
        return selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
    }

    @Test
    void devRunsOneReplicaOfEachServiceOnOneKafkaNode() {
        List<HasMetadata> objects = Overlay.deploy("dev").objects();
        assertEquals(4, of(objects, HorizontalPodAutoscaler.class).size());
        for (HorizontalPodAutoscaler h : of(objects, HorizontalPodAutoscaler.class)) {
            assertEquals(1, h.getSpec().getMinReplicas(), h.getMetadata().getName());
            assertEquals(2, h.getSpec().getMaxReplicas(), h.getMetadata().getName());
        }
        assertEquals(1, brokers(objects));
        for (KafkaTopic t : of(objects, KafkaTopic.class)) {
            assertEquals(1, t.getSpec().getReplicas(), t.getMetadata().getName());
        }
    }

    @Test
    void prodRunsTwoOrMoreReplicasAndThreeBrokersWithMinInsyncTwo() {
        List<HasMetadata> objects = Overlay.deploy("prod").objects();
        // the HPAs own the replica count (no Deployment sets one): each scales its Deployment
        Set<String> scaled = new TreeSet<>();
        of(objects, HorizontalPodAutoscaler.class).forEach(h -> scaled.add(h.getSpec().getScaleTargetRef().getName()));
        assertEquals(new TreeSet<>(of(objects, Deployment.class).stream().map(d -> d.getMetadata().getName()).toList()), scaled);
        for (HorizontalPodAutoscaler h : of(objects, HorizontalPodAutoscaler.class)) {
            assertTrue(h.getSpec().getMinReplicas() >= 2, h.getMetadata().getName());
        }
        assertEquals(3, brokers(objects));
        for (KafkaTopic t : of(objects, KafkaTopic.class)) {
            assertEquals(3, t.getSpec().getReplicas(), t.getMetadata().getName());
            assertEquals("2", String.valueOf(t.getSpec().getConfig().get("min.insync.replicas")), t.getMetadata().getName());
        }
        Kafka kafka = of(objects, Kafka.class).get(0);
        assertEquals("3", String.valueOf(kafka.getSpec().getKafka().getConfig().get("transaction.state.log.replication.factor")));
    }

    @Test
    void prodConnectsToPostgresqlWithVerifyFull() {
        List<HasMetadata> objects = Overlay.deploy("prod").objects();
        for (ConfigMap cm : of(objects, ConfigMap.class)) {
            String url = cm.getData().get("QUARKUS_DATASOURCE_JDBC_URL");
            if (url != null) {
                assertTrue(url.contains("?sslmode=verify-full&") || url.contains("&sslmode=verify-full"), url);
            }
        }
    }

    @Test
    void theActionReportUnderTeamsGoesToActionServiceTheRestOfTeamsToSloService() {
        var routes = IngressRoutes.routes(Overlay.deploy("prod").objects()).get("daff.example.com");
        assertEquals("action-service", IngressRoutes.route(routes, "/api/teams/payments/actions/report").orElseThrow().service());
        assertEquals("slo-service", IngressRoutes.route(routes, "/api/teams/payments/oncall").orElseThrow().service());
        assertEquals("slo-service", IngressRoutes.route(routes, "/api/teams").orElseThrow().service());
        assertTrue(IngressRoutes.route(routes, "/api/admin/dead-letters").isEmpty());
        assertTrue(IngressRoutes.route(routes, "/api/audit").isEmpty());
        assertTrue(IngressRoutes.route(routes, "/api/slosx").isEmpty());
    }

    @Test
    void kafkaUseFollowsTheServicesConfigurationAndCode() {
        Project.KafkaUse slo = Project.kafkaUse("slo-service");
        assertTrue(slo.reads().containsKey("daff.sli-events"), slo::toString);
        assertTrue(slo.writes().keySet().containsAll(Set.of("daff.sli-events", "daff.slo-alerts", "daff.sli-events.dead-letter",
                "daff.slo-alerts.slo-service.dead-letter")), slo::toString);
        assertTrue(slo.groups().keySet().containsAll(Set.of("daff-slo-service", "daff-slo-service-paging",
                "daff-slo-service-incidents-seen", "slo-service-dead-letter-replay")), slo::toString);
        assertEquals(Set.of("daff-sli-http-"), slo.transactionalIdPrefixes().keySet());
        Project.KafkaUse action = Project.kafkaUse("action-service");
        assertTrue(action.writes().containsKey("daff.action-events"), action::toString);
        assertTrue(action.reads().containsKey("daff.incident-events"), action::toString);
    }

    private static Map<String, Set<String>> apiPaths() {
        Map<String, Set<String>> paths = new TreeMap<>();
        Project.SERVICES.forEach(s -> paths.put(s, Project.openApiPaths(s)));
        paths.put(Project.CONSOLE, Project.consolePaths());
        return paths;
    }

    private static int brokers(List<HasMetadata> objects) {
        return of(objects, KafkaNodePool.class).stream().mapToInt(p -> p.getSpec().getReplicas()).sum();
    }

    private static <T> List<T> of(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
