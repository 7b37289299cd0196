package dev.daff.console;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.core.Response;

/** The console's own refusals, as application/problem+json like the services'. */
final class Problems {

    private Problems() {
    }

    static Response answer(int status, String type, String title, String detail) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "https://daff.dev/problems/" + type);
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        return Response.status(status).type("application/problem+json").entity(problem).build();
    }
}
