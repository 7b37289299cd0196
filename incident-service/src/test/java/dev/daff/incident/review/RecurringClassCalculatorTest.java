package dev.daff.incident.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.daff.incident.lifecycle.DetectionSource;
import dev.daff.incident.lifecycle.IncidentStatus;
import dev.daff.incident.lifecycle.Severity;
import dev.daff.incident.review.MetaReviewApi.ClassAction;
import dev.daff.incident.review.MetaReviewApi.RecurringClass;
import dev.daff.incident.review.RecurringClassCalculator.Action;
import dev.daff.incident.washup.CauseClass;
import dev.daff.incident.washup.Seam;

class RecurringClassCalculatorTest {

    static final Instant FROM = Instant.parse("2024-01-01T00:00:00Z");
    static final Instant TO = Instant.parse("2024-04-01T00:00:00Z"); // 91 days

    static MetaReviewCalculator.Facts incident(String detected, List<String> services, CauseClass causeClass,
            List<Seam> seams) {
        return new MetaReviewCalculator.Facts(UUID.randomUUID(), "t", Severity.SEV2, IncidentStatus.RESOLVED, services,
                DetectionSource.HUMAN, null, Instant.parse(detected), null, null, null, causeClass, seams, false);
    }

    @Test
    void classesOfTwoOrMoreWithRatesBeforeAndAfterEachDoneSystemicAction() {
        var a = incident("2024-01-05T00:00:00Z", List.of("ingest", "lake"), CauseClass.CHANGE, List.of(Seam.FEATURE_FLAG));
        var b = incident("2024-01-20T00:00:00Z", List.of("ingest"), CauseClass.CHANGE, List.of(Seam.FEATURE_FLAG, Seam.DATA));
        var c = incident("2024-03-01T00:00:00Z", List.of("ingest"), CauseClass.CHANGE, List.of(Seam.FEATURE_FLAG));
        var other = incident("2024-02-01T00:00:00Z", List.of("ingest"), CauseClass.PROVIDER, List.of(Seam.FEATURE_FLAG));
        var unset = incident("2024-02-02T00:00:00Z", List.of("ingest"), null, List.of());
        Instant done = Instant.parse("2024-02-01T00:00:00Z"); // 31 days after FROM, 60 before TO
        List<Action> actions = List.of(new Action(b.id(), "staged flag rollout", "DONE", done),
                new Action(a.id(), "flag audit", "OPEN", null));

        List<RecurringClass> classes = RecurringClassCalculator.classes(FROM, TO, List.of(a, b, c, other, unset), actions);

        assertEquals(1, classes.size());
        RecurringClass flag = classes.get(0);
        assertEquals(List.of("ingest", "CHANGE", "FEATURE_FLAG", 3), List.of(flag.service(), flag.causeClass(), flag.seam(),
                flag.incidents()));
        assertEquals(List.of(a.id(), b.id(), c.id()), flag.incidentIds());
        assertEquals(List.of(new ClassAction(b.id(), "staged flag rollout", "DONE", done, 2, 1, 2 / 31.0 * 30, 1 / 60.0 * 30),
                new ClassAction(a.id(), "flag audit", "OPEN", null, null, null, null, null)), flag.systemicActions());
        assertEquals(List.of(c.id()), flag.incidentsAfterDoneFix());
    }

    /** A service's name is anyone's text, line breaks included: the class keeps it whole and its own cause and seam. */
    @Test
    void aServiceNameWithALineBreakKeepsItsClassWhole() {
        var a = incident("2024-01-05T00:00:00Z", List.of("api\nCHANGE"), CauseClass.PROVIDER, List.of(Seam.DEPENDENCY));
        var b = incident("2024-02-05T00:00:00Z", List.of("api\nCHANGE"), CauseClass.PROVIDER, List.of(Seam.DEPENDENCY));
        RecurringClass only = RecurringClassCalculator.classes(FROM, TO, List.of(a, b), List.of()).get(0);
        assertEquals(List.of("api\nCHANGE", "PROVIDER", "DEPENDENCY", 2), List.of(only.service(), only.causeClass(), only.seam(),
                only.incidents()));
    }

    /** "Checkout" in one incident and "checkout" in the next are one service, to the classes and the repeat count. */
    @Test
    void aServiceWrittenInAnotherCaseIsTheSameService() {
        var a = incident("2024-01-05T00:00:00Z", List.of("Checkout"), CauseClass.CHANGE, List.of(Seam.CONFIG));
        var b = incident("2024-02-05T00:00:00Z", List.of("checkout", "CHECKOUT"), CauseClass.CHANGE, List.of(Seam.CONFIG));
        List<RecurringClass> classes = RecurringClassCalculator.classes(FROM, TO, List.of(a, b), List.of());
        assertEquals(1, classes.size(), classes.toString());
        assertEquals(List.of("Checkout", 2), List.of(classes.get(0).service(), classes.get(0).incidents()));

        MetaReviewApi.MetaReview review = MetaReviewCalculator.review(FROM, TO, List.of(a, b), TO, Duration.ofDays(14),
                classes, List.of());
        assertEquals(List.of(new MetaReviewApi.ServiceCount("Checkout", 2)), review.servicesWithRepeatIncidents());
    }

    @Test
    void anActionDoneBeforeThePeriodHasNoBeforeRate() {
        var a = incident("2024-01-05T00:00:00Z", List.of("api"), CauseClass.CHANGE, List.of(Seam.CONFIG));
        var b = incident("2024-03-05T00:00:00Z", List.of("api"), CauseClass.CHANGE, List.of(Seam.CONFIG));
        Instant done = Instant.parse("2023-12-01T00:00:00Z");
        ClassAction action = RecurringClassCalculator.classes(FROM, TO, List.of(a, b),
                List.of(new Action(a.id(), "async logging", "DONE", done))).get(0).systemicActions().get(0);
        assertNull(action.incidentsBefore());
        assertNull(action.ratePer30DaysBefore());
        assertEquals(2, action.incidentsAfter());
        assertEquals(2 / 91.0 * 30, action.ratePer30DaysAfter(), 1e-12);
    }
}
