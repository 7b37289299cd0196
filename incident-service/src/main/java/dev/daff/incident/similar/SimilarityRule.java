package dev.daff.incident.similar;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import dev.daff.incident.changes.DependencyGraph;

/**
 * How alike an earlier incident is to this one, out of 100 points, in parts a person can check. Plain logic, no
 * framework.
 * <ul>
 * <li>place, 25: a service in common (25); else a dependency in common, one incident's service being or sharing a
 * direct dependency of the other's (12); else a shared platform in common in the same way (6);</li>
 * <li>cause class, 10: the same class, when both are set and neither is UNKNOWN;</li>
 * <li>seams, 20: 20 × shared seams / all seams of the two (Jaccard), rounded;</li>
 * <li>change, 15: a linked change of the same kind on the same service in both;</li>
 * <li>title, 10, and text, 10: 10 × the trigram similarity of the titles, and of the texts (summary, cause summary,
 * washup trigger and root cause), rounded;</li>
 * <li>SLO, 10: the same SLO alerted on both.</li>
 * </ul>
 * The sentence is the {@code why} of every part that scored, in that order, then how much earlier it was.
 */
public final class SimilarityRule {

    public static final int SERVICE = 25;
    public static final int DEPENDENCY = 12;
    public static final int PLATFORM = 6;
    public static final int CAUSE_CLASS = 10;
    public static final int SEAMS = 20;
    public static final int CHANGE = 15;
    public static final int TITLE = 10;
    public static final int TEXT = 10;
    public static final int SLO = 10;

    private SimilarityRule() {
    }

    /**
     * What the score reads of one incident. {@code changes} are "KIND on service" of its linked changes;
     * {@code causeClass} is null when not set.
     */
    public record Facts(UUID id, String title, Instant detectedAt, Set<String> services, String causeClass,
            Set<String> seams, Set<String> changes, Set<String> slos) {
    }

    /** One part of a score: its points of {@code max}, and why, in words (null when it scored nothing). */
    public record Part(String name, int points, int max, String why) {
    }

    /** A score: the sum of its parts, the parts, and the sentence made of them. */
    public record Score(int total, List<Part> parts, String why) {
    }

    /** {@code titleSimilarity} and {@code textSimilarity} are in [0, 1] (0 when either text is empty). */
    public static Score score(Facts incident, Facts earlier, double titleSimilarity, double textSimilarity,
            DependencyGraph graph) {
        List<Part> parts = new ArrayList<>();
        parts.add(place(incident.services(), earlier.services(), graph));
        boolean sameClass = incident.causeClass() != null && incident.causeClass().equals(earlier.causeClass())
                && !"UNKNOWN".equals(incident.causeClass());
        parts.add(new Part("causeClass", sameClass ? CAUSE_CLASS : 0, CAUSE_CLASS,
                sameClass ? "same cause class " + incident.causeClass() : null));
        Set<String> seams = common(incident.seams(), earlier.seams());
        Set<String> allSeams = new TreeSet<>(incident.seams());
        allSeams.addAll(earlier.seams());
        int seamPoints = allSeams.isEmpty() ? 0 : (int) Math.round(SEAMS * seams.size() / (double) allSeams.size());
        parts.add(new Part("seams", seamPoints, SEAMS, seams.isEmpty() ? null
                : "same seam" + (seams.size() > 1 ? "s " : " ") + String.join(", ", seams)));
        Set<String> changes = common(incident.changes(), earlier.changes());
        parts.add(new Part("change", changes.isEmpty() ? 0 : CHANGE, CHANGE, changes.isEmpty() ? null
                : "a linked " + changes.iterator().next() + " in both"));
        parts.add(similarity("title", TITLE, titleSimilarity, "title"));
        parts.add(similarity("text", TEXT, textSimilarity, "summary and root-cause text"));
        Set<String> slos = common(incident.slos(), earlier.slos());
        parts.add(new Part("slo", slos.isEmpty() ? 0 : SLO, SLO, slos.isEmpty() ? null
                : "same SLO " + String.join(", ", slos) + " alerting"));
        int total = parts.stream().mapToInt(Part::points).sum();
        List<String> whys = new ArrayList<>(parts.stream().filter(p -> p.points() > 0).map(Part::why).toList());
        whys.add(earlier(Duration.between(earlier.detectedAt(), incident.detectedAt())));
        return new Score(total, List.copyOf(parts), String.join("; ", whys));
    }

    private static Part place(Set<String> services, Set<String> earlier, DependencyGraph graph) {
        Set<String> same = commonIgnoringCase(services, earlier);
        if (!same.isEmpty()) {
            return new Part("place", SERVICE, SERVICE, "same service " + String.join(", ", same));
        }
        Set<String> around = new TreeSet<>(services);
        around.addAll(graph.dependencies(services, 1).keySet());
        Set<String> aroundEarlier = new TreeSet<>(earlier);
        aroundEarlier.addAll(graph.dependencies(earlier, 1).keySet());
        Set<String> shared = commonIgnoringCase(around, aroundEarlier);
        List<String> dependencies = shared.stream().filter(s -> !graph.isShared(s)).toList();
        if (!dependencies.isEmpty()) {
            return new Part("place", DEPENDENCY, SERVICE, "dependency " + String.join(", ", dependencies) + " in common");
        }
        if (!shared.isEmpty()) {
            return new Part("place", PLATFORM, SERVICE, "shared platform " + String.join(", ", shared) + " in common");
        }
        return new Part("place", 0, SERVICE, null);
    }

    private static Part similarity(String name, int max, double similarity, String what) {
        int points = (int) Math.round(max * Math.max(0, Math.min(1, similarity)));
        return new Part(name, points, max, points == 0 ? null
                : what + " " + Math.round(similarity * 100) + " % similar");
    }

    /** A service is one whatever its case: "Checkout" typed by a person is the SLO page's "checkout". */
    private static Set<String> commonIgnoringCase(Set<String> a, Set<String> b) {
        Set<String> inB = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        inB.addAll(b);
        Set<String> both = new TreeSet<>();
        a.stream().filter(inB::contains).forEach(both::add);
        return both;
    }

    private static Set<String> common(Set<String> a, Set<String> b) {
        Set<String> both = new TreeSet<>(a);
        both.retainAll(b);
        return both;
    }

    /** "3 weeks earlier", in the largest unit that reads naturally. */
    static String earlier(Duration gap) {
        long days = gap.toDays();
        if (days < 1) {
            return "the same day";
        }
        if (days < 14) {
            return days + (days == 1 ? " day" : " days") + " earlier";
        }
        if (days < 63) {
            return days / 7 + " weeks earlier";
        }
        if (days < 730) {
            return days / 30 + " months earlier";
        }
        return days / 365 + " years earlier";
    }
}
