package dev.daff.deploy;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.KafkaAuthorizationSimple;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.acl.AclOperation;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTransactionalIdResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;

/**
 * Kafka authorization: the Kafka runs {@code authorization: simple}, and every KafkaUser is allowed exactly what its
 * client does, both ways. A service's user (the KafkaUser whose Secret its Deployment takes KAFKA_SASL_JAAS_CONFIG
 * from) gets what {@link Project#kafkaUse} derives from the service's configuration and code; each external producer
 * ({@link Project#EXTERNAL_PRODUCERS}) gets Write on its one topic. A missing ACL is a client that fails in the
 * cluster; an extra one is a permission nobody needs.
 */
final class KafkaAcls {

    /** One allowed operation on one resource, as Kafka sees it. */
    record Grant(String type, String name, String pattern, String operation) implements Comparable<Grant> {
        @Override
        public String toString() {
            return operation + " on " + type + " " + name + ("prefix".equals(pattern) ? "*" : "");
        }

        @Override
        public int compareTo(Grant o) {
            return toString().compareTo(o.toString());
        }
    }

    private KafkaAcls() {
    }

    static List<String> check(List<HasMetadata> objects) {
        List<String> problems = new ArrayList<>();
        Map<String, KafkaUser> users = new TreeMap<>();
        for (HasMetadata o : objects) {
            if (o instanceof Kafka k) {
                var kafka = k.getSpec().getKafka();
                if (!(kafka.getAuthorization() instanceof KafkaAuthorizationSimple simple)) {
                    problems.add("Kafka/" + k.getMetadata().getName() + ": authorization is not simple, so any user may use any topic");
                } else if (simple.getSuperUsers() != null && !simple.getSuperUsers().isEmpty()) {
                    problems.add("Kafka/" + k.getMetadata().getName() + ": super users " + simple.getSuperUsers() + " bypass every ACL");
                }
                Object everyone = kafka.getConfig() == null ? null : kafka.getConfig().get("allow.everyone.if.no.acl.found");
                if ("true".equals(String.valueOf(everyone))) {
                    problems.add("Kafka/" + k.getMetadata().getName() + ": allow.everyone.if.no.acl.found lets anyone use a topic without ACLs");
                }
            } else if (o instanceof KafkaUser u) {
                users.put(u.getMetadata().getName(), u);
            }
        }

        // who should have what
        Map<String, Map<Grant, String>> expected = new LinkedHashMap<>();
        Map<String, String> owner = new TreeMap<>();
        for (Checks.Workload w : Checks.workloads(objects)) {
            if (!Project.SERVICES.contains(w.name())) {
                continue;
            }
            String user = kafkaUser(w);
            if (user == null) {
                problems.add(w.id() + ": takes KAFKA_SASL_JAAS_CONFIG from no Secret, so its KafkaUser is unknown");
                continue;
            }
            expected.put(user, expected(Project.kafkaUse(w.name())));
            owner.put(user, w.name());
        }
        Project.EXTERNAL_PRODUCERS.forEach((user, topic) -> {
            expected.put(user, Map.of(new Grant("topic", topic, "literal", "Write"), "it produces " + topic));
            owner.put(user, "the external producer " + user);
        });

        // both ways, per user
        for (var e : expected.entrySet()) {
            String name = e.getKey();
            KafkaUser user = users.get(name);
            if (user == null) {
                problems.add("KafkaUser/" + name + " (" + owner.get(name) + ") is not in the render");
                continue;
            }
            Set<Grant> granted = granted(user, problems);
            for (var need : new TreeMap<>(e.getValue()).entrySet()) {
                if (!granted.contains(need.getKey())) {
                    problems.add("KafkaUser/" + name + ": lacks " + need.getKey() + " (" + owner.get(name) + ": " + need.getValue() + ")");
                }
            }
            for (Grant g : granted) {
                if (!e.getValue().containsKey(g)) {
                    problems.add("KafkaUser/" + name + ": grants " + g + ", which " + owner.get(name) + " does not use");
                }
            }
        }
        for (String name : users.keySet()) {
            if (!expected.containsKey(name)) {
                problems.add("KafkaUser/" + name + " belongs to no service and is no external producer");
            }
        }

        // every consumed topic has someone allowed to write it
        Set<String> readable = new TreeSet<>();
        Set<String> writable = new TreeSet<>();
        users.values().forEach(u -> granted(u, new ArrayList<>()).forEach(g -> {
            if (g.type().equals("topic") && g.pattern().equals("literal")) {
                (g.operation().equals("Read") ? readable : writable).add(g.name());
            }
        }));
        for (String topic : readable) {
            if (!writable.contains(topic)) {
                problems.add("topic " + topic + " is consumed but no KafkaUser may write it");
            }
        }
        Project.EXTERNAL_PRODUCERS.forEach((user, topic) -> {
            if (!readable.contains(topic)) {
                problems.add("the external producer " + user + " writes " + topic + ", which no service consumes");
            }
        });
        return problems;
    }

    private static final java.util.regex.Pattern BACKTICKED = java.util.regex.Pattern.compile("`([^`]+)`");

    /**
     * deploy/README.md's table under "## Kafka ACLs" names what each KafkaUser is granted: per row, the topics in
     * backticks under "topics read" are exactly those it may Read, under "topics written" those it may Write, and so on
     * for groups and transactional ids. A dead-letter topic may go unnamed where the cell says "dead-letter topic"
     * ("its three dead-letter topics"). The checks hold the ACLs to the code; this holds the table to the ACLs.
     */
    static List<String> readmeTable(List<HasMetadata> objects) {
        List<String> problems = new ArrayList<>();
        Map<String, List<String>> rows = new TreeMap<>();
        boolean inSection = false;
        for (String line : Project.readmeLines()) {
            if (line.startsWith("## ")) {
                inSection = line.strip().equals("## Kafka ACLs");
            } else if (inSection && line.startsWith("| `")) {
                List<String> cells = new ArrayList<>(List.of(line.replace("\\|", "/").split("\\|", -1)));
                cells.remove(0);
                Matcher user = BACKTICKED.matcher(cells.get(0));
                if (user.find()) {
                    rows.put(user.group(1), cells.subList(1, cells.size()));
                }
            }
        }
        // column, ACL type and operation
        List<String[]> columns = List.of(new String[] { "topics read", "topic", "Read" },
                new String[] { "topics written", "topic", "Write" }, new String[] { "groups", "group", "Read" },
                new String[] { "transactional ids", "transactionalId", "Write" });
        for (HasMetadata o : objects) {
            if (!(o instanceof KafkaUser u)) {
                continue;
            }
            String name = u.getMetadata().getName();
            List<String> row = rows.remove(name);
            if (row == null) {
                problems.add("deploy/README.md, Kafka ACLs: no row for KafkaUser " + name);
                continue;
            }
            Set<Grant> granted = granted(u, new ArrayList<>());
            for (int i = 0; i < columns.size(); i++) {
                String[] column = columns.get(i);
                String cell = i < row.size() ? row.get(i) : "";
                Set<String> named = new TreeSet<>();
                for (Matcher m = BACKTICKED.matcher(cell); m.find();) {
                    named.add(m.group(1));
                }
                Set<String> allowed = new TreeSet<>();
                granted.stream().filter(g -> g.type().equals(column[1]) && g.operation().equals(column[2]))
                        .forEach(g -> allowed.add(g.name()));
                for (String n : allowed) {
                    boolean summarised = n.endsWith(".dead-letter") && cell.contains("dead-letter topic");
                    if (!named.contains(n) && !summarised) {
                        problems.add("deploy/README.md, Kafka ACLs: " + name + "'s " + column[0] + " leave out " + n
                                + ", which its KafkaUser grants");
                    }
                }
                for (String n : named) {
                    if (!allowed.contains(n)) {
                        problems.add("deploy/README.md, Kafka ACLs: " + name + "'s " + column[0] + " name " + n
                                + ", which its KafkaUser does not grant");
                    }
                }
            }
        }
        rows.keySet().forEach(name -> problems.add("deploy/README.md, Kafka ACLs: a row for " + name + ", which is no KafkaUser"));
        return problems;
    }

    /** The ACLs a service needs: Read on what it reads, Write on what it writes, Read on its groups, Write on its transactional ids. */
    static Map<Grant, String> expected(Project.KafkaUse use) {
        Map<Grant, String> grants = new TreeMap<>();
        use.reads().forEach((t, why) -> grants.put(new Grant("topic", t, "literal", "Read"), why));
        use.writes().forEach((t, why) -> grants.put(new Grant("topic", t, "literal", "Write"), why));
        use.groups().forEach((g, why) -> grants.put(new Grant("group", g, "literal", "Read"), why));
        use.transactionalIdPrefixes().forEach((p, why) -> grants.put(new Grant("transactionalId", p, "prefix", "Write"), why));
        use.transactionalIds().forEach((id, why) -> grants.put(new Grant("transactionalId", id, "literal", "Write"), why));
        return grants;
    }

    /** The allow rules of a KafkaUser, one Grant per operation; a rule for one host only is reported. */
    static Set<Grant> granted(KafkaUser user, List<String> problems) {
        Set<Grant> grants = new TreeSet<>();
        String id = "KafkaUser/" + user.getMetadata().getName();
        if (!(user.getSpec().getAuthorization() instanceof KafkaUserAuthorizationSimple simple)) {
            problems.add(id + ": has no simple authorization, so it may do nothing");
            return grants;
        }
        for (AclRule rule : simple.getAcls() == null ? List.<AclRule>of() : simple.getAcls()) {
            if (rule.getType() == AclRuleType.DENY) {
                continue;
            }
            if (rule.getHost() != null && !rule.getHost().equals("*")) {
                problems.add(id + ": an ACL for host " + rule.getHost() + " only");
            }
            String type;
            String name;
            String pattern;
            if (rule.getResource() instanceof AclRuleTopicResource t) {
                type = "topic";
                name = t.getName();
                pattern = t.getPatternType() == null ? "literal" : t.getPatternType().toValue();
            } else if (rule.getResource() instanceof AclRuleGroupResource g) {
                type = "group";
                name = g.getName();
                pattern = g.getPatternType() == null ? "literal" : g.getPatternType().toValue();
            } else if (rule.getResource() instanceof AclRuleTransactionalIdResource x) {
                type = "transactionalId";
                name = x.getName();
                pattern = x.getPatternType() == null ? "literal" : x.getPatternType().toValue();
            } else {
                type = rule.getResource() == null ? "(none)" : rule.getResource().getType();
                name = "";
                pattern = "literal";
            }
            List<AclOperation> operations = new ArrayList<>();
            if (rule.getOperations() != null) {
                operations.addAll(rule.getOperations());
            }
            if (rule.getOperation() != null) {
                operations.add(rule.getOperation());
            }
            for (AclOperation op : operations) {
                grants.add(new Grant(type, name, pattern, op.toValue()));
            }
        }
        return grants;
    }

    /** The Secret, hence the KafkaUser, a workload's KAFKA_SASL_JAAS_CONFIG comes from. */
    private static String kafkaUser(Checks.Workload w) {
        for (var c : w.spec().getContainers()) {
            for (EnvVar env : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
                if (env.getName().equals("KAFKA_SASL_JAAS_CONFIG") && env.getValueFrom() != null
                        && env.getValueFrom().getSecretKeyRef() != null) {
                    return env.getValueFrom().getSecretKeyRef().getName();
                }
            }
        }
        return null;
    }
}
