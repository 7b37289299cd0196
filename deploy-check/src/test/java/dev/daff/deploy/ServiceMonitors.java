package dev.daff.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * ServiceMonitors scrape what the services expose: each selects at least one Service in a namespace it names, each
 * endpoint's port is a named port of every Service it selects, its path is Micrometer's {@code /q/metrics}; and every
 * service that exposes metrics has one.
 */
final class ServiceMonitors {

    static final String METRICS_PATH = "/q/metrics";
    /** The Services whose pods expose /q/metrics (the console has no metrics). */
    static final Set<String> SCRAPED = Set.of("slo-service", "incident-service", "action-service");

    private ServiceMonitors() {
    }

    static List<String> check(List<HasMetadata> objects) {
        List<String> problems = new ArrayList<>();
        List<Service> services = objects.stream().filter(Service.class::isInstance).map(Service.class::cast).toList();
        Set<String> scraped = new TreeSet<>();
        for (HasMetadata object : objects) {
            if (!(object instanceof ServiceMonitor monitor)) {
                continue;
            }
            String id = "ServiceMonitor/" + Checks.name(monitor);
            ServiceMonitor.Spec spec = monitor.getSpec();
            if (spec == null || spec.selector() == null || spec.endpoints() == null || spec.endpoints().isEmpty()) {
                problems.add(id + ": needs a selector and at least one endpoint");
                continue;
            }
            String namespace = monitor.getMetadata().getNamespace();
            List<String> namespaces = spec.namespaceSelector() == null || spec.namespaceSelector().matchNames() == null
                    ? List.of() : spec.namespaceSelector().matchNames();
            if (namespace == null || !namespaces.contains(namespace)) {
                problems.add(id + ": namespaceSelector.matchNames " + namespaces + " does not name its own namespace "
                        + namespace);
            }
            List<Service> selected = services.stream()
                    .filter(s -> Objects.equals(s.getMetadata().getNamespace(), namespace) || namespace == null)
                    .filter(s -> Checks.matches(spec.selector(), s.getMetadata().getLabels() == null ? Map.of()
                            : s.getMetadata().getLabels()))
                    .toList();
            if (selected.isEmpty()) {
                problems.add(id + ": selects no Service");
            }
            for (ServiceMonitor.Endpoint endpoint : spec.endpoints()) {
                if (!METRICS_PATH.equals(endpoint.path())) {
                    problems.add(id + ": scrapes " + endpoint.path() + ", not " + METRICS_PATH);
                }
                for (Service service : selected) {
                    boolean named = service.getSpec().getPorts().stream().map(ServicePort::getName)
                            .anyMatch(name -> Objects.equals(name, endpoint.port()));
                    if (!named) {
                        problems.add(id + ": port " + endpoint.port() + " is not a port name of Service/"
                                + Checks.name(service));
                    } else {
                        scraped.add(Checks.name(service));
                    }
                }
            }
        }
        for (String service : new TreeSet<>(SCRAPED)) {
            if (!scraped.contains(service)) {
                problems.add("Service/" + service + " exposes " + METRICS_PATH + " but no ServiceMonitor scrapes it");
            }
        }
        return problems;
    }
}
