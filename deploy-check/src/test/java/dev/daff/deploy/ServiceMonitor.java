package dev.daff.deploy;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;

/**
 * The Prometheus Operator's {@code monitoring.coreos.com/v1} ServiceMonitor, the fields daff uses and their common
 * neighbours, as a strict model: fabric8 7.9's prometheus-operator model is not on the Maven Central reachable here,
 * so this one binds instead, and an unknown or misspelt field fails like on any other kind (records keep nothing
 * they do not name).
 */
@Group("monitoring.coreos.com")
@Version("v1")
@Kind("ServiceMonitor")
public class ServiceMonitor extends CustomResource<ServiceMonitor.Spec, Void> implements Namespaced {

    /** Which Services in which namespaces, and how to scrape their endpoints. */
    public record Spec(LabelSelector selector, NamespaceSelector namespaceSelector, List<Endpoint> endpoints,
            String jobLabel, List<String> targetLabels) {
    }

    public record NamespaceSelector(Boolean any, List<String> matchNames) {
    }

    /** One scraped port: by the Service port's name, at a path, every interval. */
    public record Endpoint(String port, String path, String scheme, String interval, String scrapeTimeout,
            Boolean honorLabels) {
    }
}
