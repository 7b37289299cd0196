package dev.daff.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Each check fails on the deliberately broken overlays in src/test/resources, and for the defect planted for it:
 * a check that cannot fail proves nothing.
 */
class BrokenOverlayTest {

    private final Overlay broken = Overlay.broken("broken-overlay");

    @Test
    void renderingFailsWhenAResourceIsMissing() {
        Overlay o = Overlay.broken("unrenderable-overlay");
        assertFalse(o.render().ok());
        assertTrue(o.render().stderr().contains("no-such-file.yaml"), o.render().stderr());
    }

    @Test
    void bindingRejectsAnUnknownFieldOnABuiltInKind() {
        assertHas(problems(), "Deployment/slo-service: unknown field spec.replicaz");
    }

    @Test
    void bindingRejectsAMisspeltFieldDeepInAPodTemplate() {
        assertHas(problems(), "Deployment/incident-service: unknown field "
                + "spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem");
    }

    @Test
    void bindingRejectsAValueOfTheWrongType() {
        assertHas(problems(), "HorizontalPodAutoscaler/incident-service: does not bind to "
                + "io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler");
    }

    @Test
    void bindingRejectsAnUnknownFieldOnAStrimziKind() {
        assertHas(problems(), "KafkaTopic/daff.unused: unknown field spec.partitons");
    }

    @Test
    void bindingRejectsAKindWithoutATypedModel() {
        assertHas(problems(), "PodMonitor/slo-service: no typed model for monitoring.coreos.com/v1/PodMonitor");
    }

    @Test
    void bindingRejectsAMisspeltFieldOnAServiceMonitor() {
        assertTrue(problems().stream().anyMatch(p -> p.startsWith("ServiceMonitor/misspelt: does not bind to")
                && p.contains("intervall")), () -> String.join("\n", problems()));
    }

    @Test
    void serviceMonitorsCatchAWrongPortNameAWrongPathASelectorOfNothingAndServicesNobodyScrapes() {
        List<String> problems = ServiceMonitors.check(broken.objects());
        assertHas(problems, "ServiceMonitor/slo-service: port metrics is not a port name of Service/slo-service");
        assertHas(problems, "ServiceMonitor/slo-service: scrapes /metrics, not /q/metrics");
        assertHas(problems, "ServiceMonitor/nothing: selects no Service");
        assertHas(problems, "Service/incident-service exposes /q/metrics but no ServiceMonitor scrapes it");
    }

    @Test
    void crossReferencesCatchAServiceSelectingNoPod() {
        assertHas(Checks.crossReferences(broken.objects()),
                "Service/incident-service: selector {app.kubernetes.io/name=incident-svc} matches no pod template");
    }

    @Test
    void crossReferencesCatchATargetPortNoContainerHas() {
        assertHas(Checks.crossReferences(broken.objects()),
                "Service/action-service: targetPort htp is not a port of Deployment/action-service");
    }

    @Test
    void crossReferencesCatchAnAutoscalerAimingAtNothing() {
        assertHas(Checks.crossReferences(broken.objects()),
                "HorizontalPodAutoscaler/action-service: target Deployment/action-servce does not exist");
    }

    @Test
    void crossReferencesCatchAnUndocumentedSecret() {
        assertHas(Checks.crossReferences(broken.objects()), "Deployment/action-service container action-service env "
                + "QUARKUS_DATASOURCE_PASSWORD: Secret action-service-dbx is neither in the render nor a documented external Secret");
    }

    @Test
    void topicsCatchAUsedTopicWithoutKafkaTopicAKafkaTopicNobodyUsesOneKeptTooLongAndTombstonesForgottenSoon() {
        List<String> problems = Checks.topics(broken.objects());
        assertHas(problems, "topic daff.change-events is used by the services but has no KafkaTopic");
        assertHas(problems, "KafkaTopic daff.unused is used by no service");
        assertHas(problems, "KafkaTopic daff.action-events: keeps records 30 days, as long as or longer than a service may "
                + "keep their event ids (8 days): a redelivery could apply twice");
        assertHas(problems, "KafkaTopic daff.slo-budgets: compacted, keeps a deleted key's tombstone 1 day(s)"
                + " (delete.retention.ms), under 30: a reader away longer keeps what was deleted");
    }

    @Test
    void probesCatchAReadinessProbeOnTheWrongPath() {
        assertHas(Checks.probes(broken.objects()),
                "Deployment/slo-service container slo-service: readinessProbe is on /health, not on /q/health/ready");
    }

    @Test
    void theConsoleIsHeldToTheSameProbesAndRoutes() {
        assertHas(Checks.probes(broken.objects()),
                "Deployment/console container console: readinessProbe is on /ready, not on /q/health/ready");
        assertHas(IngressRoutes.check(broken.objects(), apiPaths()), "Ingress/daff: /q/ → console reaches no path console serves");
    }

    @Test
    void configurationNamesCatchAMisspeltKey() {
        assertHas(Checks.configNames(broken.objects()), "Deployment/slo-service container slo-service: "
                + "QUARKUS_DATASOURCE_JDBC_ULR maps to no configuration key");
    }

    @Test
    void workloadRulesCatchWritableRootNoLimitsNoStartupProbeAndMaxUnavailable() {
        List<String> problems = Checks.workloadRules(broken.objects());
        String c = "Deployment/slo-service container slo-service: ";
        assertHas(problems, c + "readOnlyRootFilesystem is not true");
        assertHas(problems, c + "no cpu limit");
        assertHas(problems, c + "no memory limit");
        assertHas(problems, c + "no startupProbe");
        assertHas(problems, "Deployment/slo-service: rolling update must have maxUnavailable 0");
    }

    @Test
    void ingressRoutesCatchAPathRoutedNowhereToTheWrongServiceAndAPublicAdminPath() {
        List<String> problems = IngressRoutes.check(broken.objects(), apiPaths());
        assertHas(problems, "/api/meta-review (incident-service) is routed nowhere on daff.dev.example.com");
        assertHas(problems, "/api/changes (incident-service) is routed to action-service on daff.dev.example.com by /api/changes(/|$)");
        assertHas(problems, "Ingress/daff: /api/changes(/|$) → action-service reaches no path action-service serves");
        assertHas(problems, "/api/admin/dead-letters (incident-service) is an admin path but is public on daff.dev.example.com");
        assertHas(problems, "Ingress/daff: /api/admin(/|$) → slo-service reaches no path slo-service serves");
        assertHas(problems, "/api/audit (action-service) is an admin path but is public on daff.dev.example.com");
        assertHas(problems, "Ingress/daff: /api/audit(/|$) → incident-service reaches no path incident-service serves");
    }

    @Test
    void ingressTlsCatchesAHostWithoutTls() {
        assertHas(ClusterSecurity.ingressTls(broken.objects()),
                "Ingress/daff: host daff.dev.example.com has no tls entry with a Secret");
    }

    @Test
    void kafkaAclsCatchNoAuthorizationAnExtraWriteAndAMissingGroup() {
        List<String> problems = KafkaAcls.check(broken.objects());
        assertHas(problems, "Kafka/daff: authorization is not simple");
        assertHas(problems, "KafkaUser/action-service-kafka: grants Write on topic daff.slo-alerts, which action-service does not use");
        assertHas(problems, "KafkaUser/incident-service-kafka: lacks Read on group daff-incident-service");
    }

    @Test
    void podSecurityCatchesABaselineNamespaceAndAStrimziContainerWithoutASecurityContext() {
        List<String> problems = ClusterSecurity.podSecurity(broken.objects());
        assertHas(problems, "Namespace/daff: pod-security.kubernetes.io/enforce is baseline, not restricted");
        assertHas(problems, "KafkaNodePool/dual-role container kafka: allowPrivilegeEscalation is not false");
        assertHas(problems, "KafkaNodePool/dual-role container kafka: capabilities do not drop ALL");
    }

    @Test
    void networkIsolationCatchesAMissingDefaultDeny() {
        assertHas(ClusterSecurity.networkIsolation(broken.objects()), "no default-deny NetworkPolicy");
    }

    @Test
    void crossReferencesCatchANetworkPolicyPeerThatSelectsNoPod() {
        assertHas(Checks.crossReferences(broken.objects()),
                "NetworkPolicy/kafka-entity-operator: peer podSelector {strimzi.io/cluster=daff, strimzi.io/name=daff-kafak}");
    }

    @Test
    void databaseTlsCatchesAJdbcUrlWithoutSslmodeAndAPgHbaLineWithoutTls() {
        List<String> problems = ClusterSecurity.databaseTls(broken.objects());
        assertHas(problems, "Deployment/incident-service container incident-service: QUARKUS_DATASOURCE_JDBC_URL "
                + "jdbc:postgresql://postgres:5432/incident has sslmode null, not one that insists on TLS");
        assertHas(problems, "StatefulSet/postgres container postgres: pg_hba.conf admits TCP without TLS: host all all all scram-sha-256");
    }

    @Test
    void probeTimeoutsCatchAProbeLeftAtKubernetesDefault() {
        assertHas(PodLifecycle.probeTimeouts(broken.objects()), "Deployment/incident-service container incident-service: "
                + "livenessProbe has no timeoutSeconds (Kubernetes' default, 1 s)");
    }

    @Test
    void gracefulStopCatchesAPodWithoutPreStopAndAGracePeriodShorterThanTheLongestStop() {
        List<String> problems = PodLifecycle.gracefulStop(broken.objects());
        assertHas(problems, "Deployment/action-service container action-service: no preStop sleep");
        // 5 s preStop + 56 s (15 requests, 6 page deliveries, 10 SLI consumer, 20 producers, 5 worker threads) + 5 s
        assertHas(problems, "Deployment/slo-service: terminationGracePeriodSeconds 30 is less than 66 s");
    }

    @Test
    void autoscaledReplicasCatchADeploymentThatResetsItsHpa() {
        assertHas(PodLifecycle.autoscaledReplicas(broken.objects()), "Deployment/console: sets replicas 2, but its"
                + " HorizontalPodAutoscaler owns the count");
    }

    @Test
    void connectionBudgetCatchesPoolsPostgresqlCannotAdmit() {
        // slo-service: dev's HPA maxReplicas 2 + maxSurge 1 + 1 stopping = 4 pods × 200; incident-service's and
        // action-service's HPAs are broken above, so 1 replica (no replicas set) + 1 + 1 = 3 pods × 12 and × 10;
        // + 3 reserved for superusers + 10 admin sessions = 879
        assertHas(ConnectionBudget.check(broken.objects()), "StatefulSet/postgres: max_connections 600 is below the 879 its"
                + " clients may need: action-service 3 pods × 10, incident-service 3 pods × 12, slo-service 4 pods × 200");
    }

    private static Map<String, Set<String>> apiPaths() {
        Map<String, Set<String>> paths = new TreeMap<>();
        Project.SERVICES.forEach(s -> paths.put(s, Project.openApiPaths(s)));
        paths.put(Project.CONSOLE, Project.consolePaths());
        return paths;
    }

    private List<String> problems() {
        broken.objects();
        return broken.binding().problems();
    }

    private static void assertHas(List<String> problems, String expected) {
        assertTrue(problems.stream().anyMatch(p -> p.startsWith(expected)),
                () -> "expected a problem starting with\n  " + expected + "\nbut got\n  " + String.join("\n  ", problems));
    }
}
