package dev.daff.slo.openslo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The named documents of one upload and which SLOs used each: daff stores only SLOs, so an SLI, alert policy,
 * condition, notification target or service no SLO uses would be lost, and is refused instead.
 */
final class Upload {

    final Refusals refusals = new Refusals();
    private final Map<String, Field> named = new LinkedHashMap<>();
    private final Map<String, Set<String>> usedBy = new LinkedHashMap<>();

    /** Keeps a top-level document; a second one of the same kind and name is refused. */
    void add(String kind, String name, Field document) {
        String key = kind + "/" + name;
        if (named.containsKey(key)) {
            document.get("metadata").get("name").refuse("another " + kind + " named '" + name + "' comes earlier in "
                    + "this upload");
            return;
        }
        named.put(key, document);
        usedBy.put(key, new LinkedHashSet<>());
    }

    /** The referenced document, marked as used by {@code slo}; refuses the reference when there is none. */
    Optional<Field> use(Field reference, String kind, String slo) {
        Optional<String> name = reference.requiredString();
        if (name.isEmpty()) {
            return Optional.empty();
        }
        Field document = named.get(kind + "/" + name.get());
        if (document == null) {
            reference.refuse("there is no " + kind + " named '" + name.get() + "' in this upload (daff keeps no "
                    + kind + " apart from the SLOs using it: send it along)");
            return Optional.empty();
        }
        usedBy.get(kind + "/" + name.get()).add(slo);
        return Optional.of(document);
    }

    /** Marks a Service document as used when one of that name was sent (a service need not be sent). */
    void useService(String service, String slo) {
        Set<String> users = usedBy.get("Service/" + service);
        if (users != null) {
            users.add(slo);
        }
    }

    /** Refuses every non-SLO document no SLO used; answers the others with their users. */
    List<Map<String, Object>> checkAllUsed() {
        List<Map<String, Object>> used = new ArrayList<>();
        named.forEach((key, document) -> {
            if (key.startsWith("SLO/")) {
                return;
            }
            Set<String> users = usedBy.get(key);
            if (users.isEmpty()) {
                document.refuse("no SLO in this upload uses it; daff stores only SLOs (with what they use), so it "
                        + "would be lost");
                return;
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("document", document.source().document());
            entry.put("kind", document.source().kind());
            entry.put("name", document.source().name());
            entry.put("usedBy", List.copyOf(users));
            used.add(entry);
        });
        return used;
    }
}
