package dev.daff.kit.audit;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ResourceInfo;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.mapping.RuntimeResource;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveContainerRequestContext;

/** Notes every matched JAX-RS call (method, route template, path parameters) for the audit log. */
public class AuditRouteFilter {

    private final AuditRequest request;

    public AuditRouteFilter(AuditRequest request) {
        this.request = request;
    }

    @ServerRequestFilter
    public void note(ResteasyReactiveContainerRequestContext context, ResourceInfo resource) {
        String template;
        // The matched resource's templates, as the router holds them: no reflection, so it works in a native image too.
        RuntimeResource target = context.getServerRequestContext() instanceof ResteasyReactiveRequestContext matched
                ? matched.getTarget() : null;
        if (target != null && target.getPath() != null) {
            template = AuditRoute.template(target.getClassPath() == null ? null : target.getClassPath().template,
                    target.getPath().template);
        } else if (resource != null && resource.getResourceMethod() != null) {
            Path classPath = resource.getResourceClass().getAnnotation(Path.class);
            Path methodPath = resource.getResourceMethod().getAnnotation(Path.class);
            template = AuditRoute.template(classPath == null ? null : classPath.value(),
                    methodPath == null ? null : methodPath.value());
        } else {
            return;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        context.getUriInfo().getPathParameters().forEach((name, values) -> parameters.put(name,
                values == null || values.isEmpty() ? null : values.get(0)));
        request.route(new AuditRoute(context.getMethod(), template, Collections.unmodifiableMap(parameters)));
    }
}
