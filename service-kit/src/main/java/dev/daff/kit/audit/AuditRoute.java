package dev.daff.kit.audit;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API call a transaction runs for, as the audit log names it: {@code POST /api/incidents/{id}/transitions} and
 * its path parameters. It also says which object the call is about (see {@link #object}).
 */
record AuditRoute(String method, String template, Map<String, String> pathParameters) {

    private static final Pattern PARAMETER = Pattern.compile("\\{\\s*([^}:\\s]+)\\s*(?::[^}]*)?}");

    /** The class and method {@code @Path}s joined, with single slashes and without parameter regexes. */
    static String template(String classPath, String methodPath) {
        String joined = "/" + (classPath == null ? "" : classPath) + "/" + (methodPath == null ? "" : methodPath);
        String template = PARAMETER.matcher(joined.replaceAll("/+", "/")).replaceAll("{$1}");
        return template.length() > 1 && template.endsWith("/") ? template.substring(0, template.length() - 1) : template;
    }

    String action() {
        return method + " " + template;
    }

    /**
     * What the call is about. A call with a path parameter names its object: the resource after {@code /api/}
     * (singular; {@code admin/} skipped) and the first parameter ({@code PUT /api/incidents/{id}/washup} is about
     * {@code incident:<id>}). A call to a collection ({@code POST /api/actions}) is about what it created: the
     * resource and the id of the first row inserted. Any other call ({@code POST /api/integrations/alertmanager})
     * is about the first row it inserted, else the first it changed, by table and id.
     */
    AuditedObject object(List<AuditedChange> changes) {
        List<String> segments = List.of(template.replaceFirst("^/", "").split("/"));
        int noun = segments.size() > 2 && segments.get(0).equals("api") && segments.get(1).equals("admin") ? 2 : 1;
        String type = segments.size() > noun ? singular(segments.get(noun)) : "api";
        Matcher first = PARAMETER.matcher(template);
        if (first.find() && pathParameters.get(first.group(1)) != null) {
            return new AuditedObject(type, pathParameters.get(first.group(1)));
        }
        AuditedChange made = changes.stream().filter(c -> c.op().equals(AuditedChange.INSERT)).findFirst()
                .orElse(changes.isEmpty() ? null : changes.get(0));
        if (made == null) {
            return new AuditedObject(type, "-");
        }
        boolean collection = segments.size() == noun + 1;
        return new AuditedObject(collection ? type : made.type(), made.idText());
    }

    private static String singular(String segment) {
        return segment.endsWith("s") && segment.length() > 1 ? segment.substring(0, segment.length() - 1) : segment;
    }

    /** The object an entry is about, written {@code type:id} in the API. */
    record AuditedObject(String type, String id) {
    }
}
