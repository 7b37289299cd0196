package dev.daff.incident.changes;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Which changes matter to a set of services around a moment, and why, in words a responder reads at 3 a.m.
 * Ranking: affected service before dependency before anything else; then closer to the moment first. Around an
 * incident's impact, changes that started well after it (the responders' own fixes and rollbacks) come after every
 * change that could have caused it. Plain logic, no framework.
 */
public final class Relatedness {

    /** How a changed service relates to the services in question; lower tiers rank first. */
    public enum Relation {
        SAME_SERVICE(0), DEPENDENCY(1), DEPENDENT(2), SHARED_PLATFORM(2);

        final int tier;

        Relation(int tier) {
            this.tier = tier;
        }
    }

    /**
     * A change that started this long after the moment or less may still be its cause: the pipeline's clock may run
     * ahead of daff's, and an incident's impact start is an estimate.
     */
    static final Duration CAUSE_TOLERANCE = Duration.ofMinutes(5);
    /** Added to the tier of a change that started after the moment and its tolerance, when those rank last. */
    private static final int AFTER_THE_MOMENT = 3;

    /** One change found relevant, with how and when; {@code tier} is where its relation and timing rank it. */
    public record Related(Change change, Relation relation, String relatedTo, int hops, Duration distance, String reason,
            int tier) {

        /** Where this change ranks: a list continues after a change by this, even once that change ranks elsewhere. */
        public RankKey rankKey() {
            return new RankKey(tier, distance, hops, change.startedAt, change.id);
        }
    }

    /** What {@link #rank} orders by, in that order: tier, distance to the moment, hops, start, id. */
    public record RankKey(int tier, Duration distance, int hops, Instant startedAt, UUID id)
            implements Comparable<RankKey> {

        private static final Comparator<RankKey> ORDER = Comparator.comparingInt(RankKey::tier)
                .thenComparing(RankKey::distance).thenComparingInt(RankKey::hops).thenComparing(RankKey::startedAt)
                .thenComparing(RankKey::id);

        @Override
        public int compareTo(RankKey other) {
            return ORDER.compare(this, other);
        }
    }

    private final Map<String, Related> byService = new LinkedHashMap<>();
    private final Map<String, Relation> relationOf = new LinkedHashMap<>();
    private final Map<String, DependencyGraph.Hop> hopOf = new LinkedHashMap<>();
    private final Set<String> shared;

    /** The services whose changes matter to {@code services}: themselves, dependencies, dependents, shared platforms. */
    public Relatedness(Collection<String> services, DependencyGraph graph, int depth) {
        graph.dependents(services, depth).forEach((service, hop) -> put(service, Relation.DEPENDENT, hop));
        graph.dependencies(services, depth).forEach((service, hop) -> put(service, Relation.DEPENDENCY, hop));
        services.forEach(service -> put(service, Relation.SAME_SERVICE, new DependencyGraph.Hop(service, service, 0, List.of())));
        this.shared = new HashSet<>(graph.sharedPlatforms());
    }

    private void put(String service, Relation relation, DependencyGraph.Hop hop) {
        relationOf.put(service, relation);
        hopOf.put(service, hop);
    }

    /** Services to fetch changes for (shared platforms included: their infrastructure changes always count). */
    public Set<String> servicesToSearch() {
        Set<String> all = new HashSet<>(relationOf.keySet());
        all.addAll(shared);
        return all;
    }

    /**
     * The changes among {@code candidates} that relate, ranked, with reasons relative to {@code moment} named
     * {@code momentName} ("impact", "this change"); with {@code laterRankLast}, those that started more than
     * {@link #CAUSE_TOLERANCE} after the moment rank after all others (around a change, one just after it collides as
     * much as one just before).
     */
    public List<Related> rank(List<Change> candidates, Instant moment, String momentName, boolean laterRankLast) {
        List<Related> found = new ArrayList<>();
        for (Change change : candidates) {
            Relation relation = relationOf.get(change.service);
            DependencyGraph.Hop hop = hopOf.get(change.service);
            if (relation == null) {
                if (!(shared.contains(change.service) && change.kind == ChangeKind.INFRASTRUCTURE)) {
                    continue;
                }
                relation = Relation.SHARED_PLATFORM;
                hop = new DependencyGraph.Hop(change.service, null, 0, List.of());
            }
            Duration distance = distance(change, moment);
            String reason = change.kind + " on " + change.service + ", " + how(relation, hop) + ", "
                    + when(change, moment, momentName);
            boolean later = laterRankLast && change.startedAt.isAfter(moment.plus(CAUSE_TOLERANCE));
            found.add(new Related(change, relation, hop.from(), hop.hops(), distance, reason,
                    relation.tier + (later ? AFTER_THE_MOMENT : 0)));
        }
        found.sort(Comparator.comparing(Related::rankKey));
        return found;
    }

    private static String how(Relation relation, DependencyGraph.Hop hop) {
        String via = hop.via().isEmpty() ? "" : " via " + String.join(" → ", hop.via());
        return switch (relation) {
            case SAME_SERVICE -> "an affected service";
            case DEPENDENCY -> "a dependency of " + hop.from() + via;
            case DEPENDENT -> "a dependent of " + hop.from() + via;
            case SHARED_PLATFORM -> "a shared platform";
        };
    }

    /** Zero while the change was under way at the moment, else the gap between the change and the moment. */
    static Duration distance(Change change, Instant moment) {
        if (change.lastMoment().isBefore(moment)) {
            return Duration.between(change.lastMoment(), moment);
        }
        if (change.startedAt.isAfter(moment)) {
            return Duration.between(moment, change.startedAt);
        }
        return Duration.ZERO;
    }

    static String when(Change change, Instant moment, String momentName) {
        if (change.lastMoment().isBefore(moment)) {
            return words(Duration.between(change.lastMoment(), moment)) + " before " + momentName;
        }
        if (change.startedAt.isAfter(moment)) {
            return words(Duration.between(moment, change.startedAt)) + " after " + momentName;
        }
        return change.endedAt == null || change.startedAt.equals(moment) && change.lastMoment().equals(moment)
                ? "at the same moment as " + momentName
                : "under way at " + momentName + " (started " + words(Duration.between(change.startedAt, moment))
                        + " before)";
    }

    /** "3 h 12 min", "2 d 4 h", "45 min", "less than a minute". */
    public static String words(Duration duration) {
        long minutes = duration.toMinutes();
        if (minutes < 1) {
            return "less than a minute";
        }
        long days = minutes / (24 * 60);
        long hours = minutes / 60 % 24;
        long mins = minutes % 60;
        if (days > 0) {
            return hours == 0 ? days + " d" : days + " d " + hours + " h";
        }
        if (hours > 0) {
            return mins == 0 ? hours + " h" : hours + " h " + mins + " min";
        }
        return mins + " min";
    }
}
