package dev.daff.incident.changes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.daff.events.ChangeEvent;

class ChangeEventIdsTest {

    /**
     * A change is stored under the catalog's spelling of its service, so one reported again with the service in
     * another case is the same change: before, it had another id and was stored twice.
     */
    @Test
    void aChangeReportedAgainWithItsServiceInAnotherCaseIsTheSameEvent() {
        assertEquals(ChangeEventsConsumer.contentId(change("CHECKOUT", "v42")),
                ChangeEventsConsumer.contentId(change("checkout", "v42")));
        assertNotEquals(ChangeEventsConsumer.contentId(change("checkout", "v42")),
                ChangeEventsConsumer.contentId(change("checkout", "v43")));
    }

    private static ChangeEvent change(String service, String ref) {
        Instant at = Instant.parse("2026-12-07T12:00:00Z");
        return new ChangeEvent(null, ChangeEvent.REPORTED, ChangeEvent.CURRENT_VERSION, at, service, "DEPLOY", "deploy",
                "ci", at, null, ref, "production", null);
    }
}
