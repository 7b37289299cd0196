package dev.daff.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The Ingress as ingress-nginx routes it, held to the services' OpenAPI documents both ways: every path a service
 * serves under /api is routed to that service (admin paths to none), and every Ingress path reaches something its
 * service serves. Admin paths are the ones every service serves under the same path, so no route could pick one
 * service's: /api/admin/** (dead-letter depth and replay) and /api/audit (each service's own audit log).
 *
 * <p>How ingress-nginx routes (its "Ingress Path Matching" guide): if any Ingress of a host sets
 * {@code nginx.ingress.kubernetes.io/use-regex: "true"}, every path of that host becomes a case-insensitive regex
 * location {@code ~* "^<path>"}, whatever its pathType; the paths are ordered by descending length and nginx takes the
 * first that matches. Otherwise Exact paths match exactly, Prefix paths match element-wise (as the Ingress API says),
 * ImplementationSpecific paths are nginx string prefixes, and an exact match wins over the longest prefix.
 */
final class IngressRoutes {

    static final String USE_REGEX = "nginx.ingress.kubernetes.io/use-regex";
    /** Paths under this prefix (dead-letter depth and replay) stay off the public Ingress. */
    static final String ADMIN = "/api/admin/";
    /** Each service's audit log: served by all three under this path, so it stays off the public Ingress too. */
    static final String AUDIT = "/api/audit";
    static final String API = "/api/";

    /** One path of one Ingress rule. */
    record Route(String ingress, String host, String path, String pathType, String service, boolean regex) {

        boolean matches(String uri) {
            if (regex) {
                return Pattern.compile("^" + path, Pattern.CASE_INSENSITIVE).matcher(uri).lookingAt();
            }
            return switch (pathType) {
                case "Exact" -> uri.equals(path);
                case "Prefix" -> path.equals("/") || uri.equals(stripSlash(path)) || uri.startsWith(stripSlash(path) + "/");
                default -> uri.startsWith(path);
            };
        }

        boolean exact() {
            return !regex && "Exact".equals(pathType);
        }

        String id() {
            return "Ingress/" + ingress + ": " + path + " → " + service;
        }

        private static String stripSlash(String p) {
            return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
        }
    }

    private IngressRoutes() {
    }

    /** The routes of every Ingress in the render, per host, in the order ingress-nginx tries them. */
    static Map<String, List<Route>> routes(List<HasMetadata> objects) {
        Map<String, List<Ingress>> byHost = new TreeMap<>();
        for (HasMetadata o : objects) {
            if (o instanceof Ingress ing) {
                for (IngressRule rule : nonNull(ing.getSpec().getRules())) {
                    byHost.computeIfAbsent(rule.getHost() == null ? "*" : rule.getHost(), h -> new ArrayList<>()).add(ing);
                }
            }
        }
        Map<String, List<Route>> routes = new TreeMap<>();
        byHost.forEach((host, ingresses) -> {
            boolean regex = ingresses.stream().anyMatch(i -> "true".equals(nonNull(i.getMetadata().getAnnotations()).get(USE_REGEX)));
            List<Route> list = new ArrayList<>();
            for (Ingress ing : ingresses) {
                for (IngressRule rule : nonNull(ing.getSpec().getRules())) {
                    if (!host.equals(rule.getHost() == null ? "*" : rule.getHost()) || rule.getHttp() == null) {
                        continue;
                    }
                    for (HTTPIngressPath p : rule.getHttp().getPaths()) {
                        String service = p.getBackend().getService() == null ? "(no service)" : p.getBackend().getService().getName();
                        list.add(new Route(ing.getMetadata().getName(), host, p.getPath() == null ? "/" : p.getPath(),
                                p.getPathType(), service, regex));
                    }
                }
            }
            // ingress-nginx: descending path, then (stable) descending length
            list.sort(Comparator.comparing(Route::path).reversed());
            list.sort(Comparator.comparingInt((Route r) -> r.path().length()).reversed());
            routes.put(host, List.copyOf(list));
        });
        return routes;
    }

    /** The route a request for {@code uri} takes on a host, if any. */
    static Optional<Route> route(List<Route> routes, String uri) {
        if (!routes.isEmpty() && routes.get(0).regex()) {
            return routes.stream().filter(r -> r.matches(uri)).findFirst();
        }
        Optional<Route> exact = routes.stream().filter(Route::exact).filter(r -> r.matches(uri)).findFirst();
        if (exact.isPresent()) {
            return exact;
        }
        return routes.stream().filter(r -> !r.exact()).filter(r -> r.matches(uri))
                .max(Comparator.comparingInt(r -> r.path().length()));
    }

    /** A request path for an OpenAPI path template: every {@code {parameter}} becomes one segment. */
    static String sample(String template) {
        return template.replaceAll("\\{[^}/]+\\}", "p1");
    }

    /**
     * On every host: each /api path of each service's OpenAPI document is routed to that service, except admin paths,
     * which are routed nowhere; and each Ingress path is the route of at least one path its service serves.
     */
    static List<String> check(List<HasMetadata> objects, Map<String, Set<String>> apiPaths) {
        List<String> problems = new ArrayList<>();
        routes(objects).forEach((host, routes) -> {
            for (var served : apiPaths.entrySet()) {
                String service = served.getKey();
                for (String path : served.getValue()) {
                    if (!path.startsWith(API) && !service.equals(Project.CONSOLE)) {
                        continue;
                    }
                    Optional<Route> route = route(routes, sample(path));
                    if (adminPath(path)) {
                        route.ifPresent(r -> problems.add(path + " (" + service + ") is an admin path but is public on " + host
                                + " through " + r.id()));
                    } else if (route.isEmpty()) {
                        problems.add(path + " (" + service + ") is routed nowhere on " + host);
                    } else if (!route.get().service().equals(service)) {
                        problems.add(path + " (" + service + ") is routed to " + route.get().service() + " on " + host
                                + " by " + route.get().path());
                    }
                }
            }
            for (Route r : routes) {
                Set<String> paths = apiPaths.getOrDefault(r.service(), Set.of());
                boolean reaches = paths.stream()
                        .filter(p -> (p.startsWith(API) || r.service().equals(Project.CONSOLE)) && !adminPath(p))
                        .anyMatch(p -> route(routes, sample(p)).filter(r::equals).isPresent());
                if (!reaches) {
                    problems.add(r.id() + " reaches no path " + r.service() + " serves (on " + host + ")");
                }
            }
        });
        return problems;
    }

    /** A path every service serves alike, for admins who reach one service at a time (port-forward). */
    static boolean adminPath(String path) {
        return path.startsWith(ADMIN) || path.equals(AUDIT) || path.startsWith(AUDIT + "/");
    }

    private static <K, V> Map<K, V> nonNull(Map<K, V> m) {
        return m == null ? Map.of() : m;
    }

    private static <T> List<T> nonNull(List<T> l) {
        return l == null ? List.of() : l;
    }
}
