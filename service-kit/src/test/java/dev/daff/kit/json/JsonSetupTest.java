package dev.daff.kit.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** What the services' mapper refuses that Jackson's defaults read as something else (helper-63). */
class JsonSetupTest {

    enum Severity { SEV1, SEV2, SEV3 }

    record Incident(Severity severity, Instant detectedAt) {
    }

    final ObjectMapper json = JsonSetup.apply(new ObjectMapper().registerModule(new JavaTimeModule()));

    @Test
    void anEnumIsReadByNameNotByPosition() throws Exception {
        assertEquals(Severity.SEV1, json.readValue("{\"severity\": \"SEV1\"}", Incident.class).severity());
        // By position, 1 was SEV2: a client meaning SEV1 stored a lower severity.
        assertThrows(InvalidFormatException.class, () -> json.readValue("{\"severity\": 1}", Incident.class));
        assertThrows(InvalidFormatException.class, () -> json.readValue("{\"severity\": \"1\"}", Incident.class));
    }

    @Test
    void aNumberTooLargeForAnyInstantIsRefusedNotReadAsTheEpoch() throws Exception {
        // 1e300 overflowed to 0 seconds: 1970-01-01, an action due then was overdue at once.
        for (String number : new String[] { "1e300", "1E400", "-1e300", "1e16" }) {
            assertThrows(InvalidFormatException.class,
                    () -> json.readValue("{\"detectedAt\": " + number + "}", Incident.class), number);
        }
        assertEquals(Instant.ofEpochSecond(1_700_000_000, 500_000_000),
                json.readValue("{\"detectedAt\": 1700000000.5}", Incident.class).detectedAt(), "seconds, as Jackson reads them");
    }
}
