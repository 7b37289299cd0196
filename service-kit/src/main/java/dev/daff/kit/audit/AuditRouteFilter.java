package dev.daff.kit.audit;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** Notes every matched JAX-RS call (method, route template, path parameters) for the audit log. */
public class AuditRouteFilter {

    private final AuditRequest request;

    public AuditRouteFilter(AuditRequest request) {
        this.request = request;
    }

    @ServerRequestFilter
    public void note(ContainerRequestContext context, ResourceInfo resource) {
        if (resource == null || resource.getResourceMethod() == null) {
            return;
        }
        Path classPath = resource.getResourceClass().getAnnotation(Path.class);
        Path methodPath = resource.getResourceMethod().getAnnotation(Path.class);
        Map<String, String> parameters = new LinkedHashMap<>();
        context.getUriInfo().getPathParameters().forEach((name, values) -> parameters.put(name,
                values == null || values.isEmpty() ? null : values.get(0)));
        request.route(new AuditRoute(context.getMethod(), AuditRoute.template(
                classPath == null ? null : classPath.value(), methodPath == null ? null : methodPath.value()),
                Collections.unmodifiableMap(parameters)));
    }
}
