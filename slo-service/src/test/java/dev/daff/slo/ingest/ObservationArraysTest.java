package dev.daff.slo.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.daff.events.SliObservedBatch.Observation;
import dev.daff.kit.json.JsonSetup;

class ObservationArraysTest {

    /** As Quarkus configures the service's mapper. */
    private final ObjectMapper json = JsonSetup.apply(new ObjectMapper().findAndRegisterModules())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private final ObjectWriter writer = json.writerFor(new TypeReference<List<Observation>>() {
    });
    private final ObjectReader reader = json.readerFor(new TypeReference<List<Observation>>() {
    });

    @Test
    void writesAndReadsWhatJacksonWritesAsJacksonReadsIt() throws Exception {
        Random random = new Random(5);
        for (int batch = 0; batch < 200; batch++) {
            List<Observation> written = new ArrayList<>();
            for (int i = 0; i < random.nextInt(1, 120); i++) {
                Instant at = random.nextInt(20) == 0 ? null
                        : Instant.ofEpochSecond(random.nextLong(0, 253_402_300_799L), switch (i % 4) {
                            case 0 -> 0;
                            case 1 -> random.nextInt(1_000) * 1_000_000;
                            case 2 -> random.nextInt(1_000_000) * 1_000;
                            default -> random.nextInt(1_000_000_000);
                        });
                written.add(new Observation(at, number(random), number(random)));
            }
            String value = writer.writeValueAsString(written);
            assertEquals(value, ObservationArrays.write(written), "daff writes what Jackson writes");
            List<Observation> fast = ObservationArrays.readCanonical(value);
            assertNotNull(fast, "daff's own form takes the fast path: " + value);
            assertEquals(reader.readValue(value), fast);
            assertEquals(written, fast);
        }
        assertEquals(List.of(), ObservationArrays.readCanonical("[]"));
        List<Observation> outsideFourDigitYears = List.of(new Observation(Instant.parse("1969-12-31T23:59:59.5Z"), 0, 1),
                new Observation(Instant.parse("+10000-01-01T00:00:00Z"), 1, 1));
        assertEquals(writer.writeValueAsString(outsideFourDigitYears), ObservationArrays.write(outsideFourDigitYears));
        assertEquals("[]", ObservationArrays.write(List.of()));
    }

    @Test
    void leavesEveryOtherFormToJackson() {
        String at = "\"at\":\"2026-12-02T06:28:20Z\"";
        for (String other : List.of(
                "[{" + at + ",\"good\":1,\"total\":1} ]", // a space
                "[ {" + at + ",\"good\":1,\"total\":1}]",
                "[{" + at + ", \"good\":1,\"total\":1}]",
                "[{\"good\":1," + at + ",\"total\":1}]", // another order
                "[{" + at + ",\"good\":1,\"total\":1,\"extra\":2}]", // another field
                "[{" + at + ",\"good\":1}]", // a missing one
                "[{" + at + ",\"good\":\"1\",\"total\":1}]", // a number as a string
                "[{" + at + ",\"good\":1.0,\"total\":1}]", // fractions and exponents
                "[{" + at + ",\"good\":1,\"total\":1e3}]",
                "[{" + at + ",\"good\":01,\"total\":1}]", // a leading zero
                "[{" + at + ",\"good\":1,\"total\":1234567890123456789}]", // 19 digits
                "[{" + at + ",\"good\":-,\"total\":1}]",
                "[{" + at + ",\"good\":null,\"total\":1}]",
                "[null]",
                "[{\"at\":\"2026-12-02T06:28:20+01:00\",\"good\":1,\"total\":1}]", // an offset
                "[{\"at\":\"2026-02-30T06:28:20Z\",\"good\":1,\"total\":1}]", // no such day
                "[{\"at\":\"2026-12-02T06:28:2\\u0030Z\",\"good\":1,\"total\":1}]", // an escape
                "[{\"at\":1764656900,\"good\":1,\"total\":1}]", // a number
                "[{" + at + ",\"good\":1,\"total\":1},]", // a trailing comma
                "[{" + at + ",\"good\":1,\"total\":1}][]", // something after
                "[{" + at + ",\"good\":1,\"total\":1}{}]",
                "[{\"at\":\"2026-12-02T06:28:20Z,\"good\":1,\"total\":1}]", // an unclosed string
                "[", "]", "[{}]", "{}", "")) {
            assertNull(ObservationArrays.readCanonical(other), other);
        }
    }

    @Test
    void readsNegativeAndLargestCountsAsJacksonDoes() throws Exception {
        String value = "[{\"at\":null,\"good\":-5,\"total\":999999999999999999},{\"at\":\"2026-12-02T06:28:20.123456789Z\","
                + "\"good\":0,\"total\":-0}]";
        assertEquals(reader.readValue(value), ObservationArrays.readCanonical(value));
    }

    private static long number(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> random.nextInt(10);
            case 2 -> random.nextLong(-1_000_000, 1_000_000);
            default -> random.nextLong(-999_999_999_999_999_999L, 999_999_999_999_999_999L);
        };
    }
}
