package dev.daff.localinfra;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Walks every operation of a service's {@code /q/openapi} document and checks its security: 401 without a token and
 * with every refused token (expired, forged, another audience or issuer, issued over a day ago, {@code alg: none},
 * HS256 keyed with the public key);
 * 403 for a valid token without roles and for every role the operation does not list; and no 401/403 for the roles it
 * does list. An operation marked {@code x-daff-authentication: signature} (a signed webhook from outside) must answer
 * 401 to every caller that brings no signature, whatever its token. Answers what is wrong, one line per problem.
 */
public final class ApiSecurityWalker {

    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^}/]+)}");
    private static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH");

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final String baseUrl;
    private final Function<String, String> tokenForRole;
    private final Map<String, String> refusedTokens;
    private final String tokenWithoutRoles;

    /**
     * @param refusedTokens     tokens that must be answered 401, by what is wrong with them
     * @param tokenWithoutRoles a valid token without {@code groups}: 403 everywhere
     */
    public ApiSecurityWalker(String baseUrl, Function<String, String> tokenForRole, Map<String, String> refusedTokens,
            String tokenWithoutRoles) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.tokenForRole = tokenForRole;
        this.refusedTokens = Map.copyOf(refusedTokens);
        this.tokenWithoutRoles = tokenWithoutRoles;
    }

    /** One checked operation: what the document says and how many calls were made. */
    public record Report(int operations, int calls, List<String> problems) {
    }

    public Report walk(Set<String> allRoles) throws IOException, InterruptedException {
        JsonNode document = json.readTree(send("GET", "/q/openapi?format=json", null).body());
        List<String> problems = new ArrayList<>();
        int operations = 0;
        int calls = 1;
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> path = paths.next();
            if (!path.getKey().startsWith("/api/")) {
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> methods = path.getValue().fields(); methods.hasNext();) {
                Map.Entry<String, JsonNode> method = methods.next();
                String verb = method.getKey().toUpperCase(java.util.Locale.ROOT);
                if (!Set.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(verb)) {
                    continue;
                }
                operations++;
                String operation = verb + " " + path.getKey();
                String target = concrete(path.getKey());
                // a body of the type the operation reads (application/yaml for an import), so the role check is reached
                Iterator<String> bodyTypes = method.getValue().path("requestBody").path("content").fieldNames();
                String declared = bodyTypes.hasNext() ? bodyTypes.next() : "";
                String bodyType = declared.isEmpty() || declared.contains("*") ? "application/json" : declared;
                if (method.getValue().path("x-daff-authentication").asText().equals("signature")) {
                    // A webhook from outside (PagerDuty, Slack) proves itself by its signature: no bearer token,
                    // whatever its roles, gets past a missing one.
                    calls += 2 + refusedTokens.size() + allRoles.size();
                    expect(problems, operation, "no signature", send(verb, target, null, bodyType), 401);
                    for (String token : refusedTokens.values()) {
                        expect(problems, operation, "no signature", send(verb, target, token, bodyType), 401);
                    }
                    expect(problems, operation, "no signature", send(verb, target, tokenWithoutRoles, bodyType), 401);
                    for (String role : allRoles) {
                        expect(problems, operation, "role " + role + " but no signature",
                                send(verb, target, tokenForRole.apply(role), bodyType), 401);
                    }
                    continue;
                }
                Set<String> allowed = allowedRoles(method.getValue());
                if (allowed.isEmpty()) {
                    problems.add(operation + ": the document lists no role for it");
                    continue;
                }
                calls += 2 + refusedTokens.size();
                expect(problems, operation, "no token", send(verb, target, null, bodyType), 401);
                for (Map.Entry<String, String> refused : refusedTokens.entrySet()) {
                    expect(problems, operation, refused.getKey(), send(verb, target, refused.getValue(), bodyType), 401);
                }
                expect(problems, operation, "a token without roles", send(verb, target, tokenWithoutRoles, bodyType), 403);
                for (String role : allRoles) {
                    calls++;
                    int status = send(verb, target, tokenForRole.apply(role), bodyType).statusCode();
                    if (allowed.contains(role) && (status == 401 || status == 403)) {
                        problems.add(operation + ": role " + role + " is listed but got " + status);
                    } else if (!allowed.contains(role) && status != 403) {
                        problems.add(operation + ": role " + role + " is not listed but got " + status);
                    }
                }
            }
        }
        return new Report(operations, calls, problems);
    }

    private static void expect(List<String> problems, String operation, String caller, HttpResponse<String> response,
            int wanted) {
        if (response.statusCode() != wanted) {
            problems.add(operation + " with " + caller + ": got " + response.statusCode() + ", wanted " + wanted);
        } else if (!response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")) {
            problems.add(operation + " with " + caller + ": answer is not application/problem+json");
        }
    }

    private Set<String> allowedRoles(JsonNode operation) {
        Set<String> roles = new TreeSet<>();
        for (JsonNode requirement : operation.path("security")) {
            for (JsonNode scopes : requirement) {
                scopes.forEach(role -> roles.add(role.asText()));
            }
        }
        return roles;
    }

    private static String concrete(String template) {
        Matcher matcher = PATH_PARAMETER.matcher(template);
        StringBuilder path = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1).toLowerCase(java.util.Locale.ROOT);
            String sample = name.contains("id") ? UUID.randomUUID().toString()
                    : name.equals("role") ? "COMMANDER" : "sample";
            matcher.appendReplacement(path, sample);
        }
        matcher.appendTail(path);
        return path.toString();
    }

    private HttpResponse<String> send(String verb, String path, String token) throws IOException, InterruptedException {
        return send(verb, path, token, "application/json");
    }

    private HttpResponse<String> send(String verb, String path, String token, String bodyType)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (BODY_METHODS.contains(verb)) {
            request.header("Content-Type", bodyType).method(verb, HttpRequest.BodyPublishers.ofString("{}"));
        } else {
            request.method(verb, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
