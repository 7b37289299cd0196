package dev.daff.kit.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;

class IsoInstantsTest {

    private final ObjectMapper jackson = new ObjectMapper().findAndRegisterModules();
    private final ObjectMapper daff = JsonSetup.apply(new ObjectMapper().findAndRegisterModules());

    record At(Instant at) {
    }

    @Test
    void theMapperReadsInstantsThroughTheFastPath() throws Exception {
        DefaultDeserializationContext context = ((DefaultDeserializationContext) daff.getDeserializationContext())
                .createDummyInstance(daff.getDeserializationConfig());
        assertInstanceOf(IsoInstants.class, context.findRootValueDeserializer(daff.constructType(Instant.class)));
    }

    @Test
    void readsWhatJacksonReadsForRandomInstantsAtEveryPrecision() throws Exception {
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            String seconds = Instant.ofEpochSecond(random.nextLong(-62_000_000_000L, 253_000_000_000L)).toString();
            int fractionDigits = random.nextInt(10); // 0: none
            StringBuilder text = new StringBuilder(seconds.substring(0, seconds.length() - 1));
            if (fractionDigits > 0) {
                text.append('.');
                random.ints(fractionDigits, 0, 10).forEach(text::append);
            }
            text.append('Z');
            assertSameAsJackson(text.toString());
            assertNotNull(IsoInstants.parseUtc(text.toString()), text::toString);
        }
    }

    @Test
    void leavesEveryOtherFormToJacksonAndEndsTheSame() throws Exception {
        List<String> others = new ArrayList<>(List.of("2026-12-02T07:28:20+01:00", "2026-12-02T06:28:20.5+00:00",
                "2026-12-02t06:28:20z", "2026-02-30T00:00:00Z", "2026-02-29T00:00:00Z", "2024-02-29T00:00:00Z",
                "2026-12-31T23:59:60Z", "2026-12-02T24:00:00Z", "2026-12-02T06:60:00Z", "2026-13-02T06:28:20Z",
                "2026-12-02T06:28:20.Z", "2026-12-02T06:28:20.1234567890Z", " 2026-12-02T06:28:20Z ",
                "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z", "2026-12-02T06:28:2xZ",
                "2026-12-02 06:28:20Z", "1733120900", "1733120900.5", "", "not a date", "2026-12-02T06:28Z"));
        for (String text : others) {
            assertSameAsJackson(text);
        }
        assertNull(IsoInstants.parseUtc("2026-12-02T07:28:20+01:00"));
        assertNull(IsoInstants.parseUtc("2026-02-30T00:00:00Z"));
        assertNull(IsoInstants.parseUtc("2026-12-31T23:59:60Z"));
    }

    /**
     * Instants outside the years 0001 to 9999, which Jackson reads, are refused: no conversion to the database takes
     * them, and one in a Kafka event stopped its partition.
     */
    @Test
    void refusesInstantsOutsideTheYearsOneToNineThousandNineHundredNinetyNine() throws Exception {
        for (String text : List.of("+12026-12-02T06:28:20Z", "-0001-12-02T06:28:20Z", "0000-12-31T23:59:59Z",
                "+10000-01-01T00:00:00Z", "-1000000000-01-01T00:00:00Z", "+1000000000-12-31T23:59:59.999999999Z",
                "9999-12-31T23:59:59.9999995Z", "9999-12-31T23:59:59.999999001Z")) {
            String json = daff.writeValueAsString(Map.of("at", text));
            assertNotNull(jackson.readValue(json, At.class).at(), text);
            assertInstanceOf(com.fasterxml.jackson.databind.JsonMappingException.class,
                    org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> daff.readValue(json, At.class)),
                    text);
        }
        assertInstanceOf(com.fasterxml.jackson.databind.JsonMappingException.class, org.junit.jupiter.api.Assertions
                .assertThrows(Exception.class, () -> daff.readValue("{\"at\": 100000000000000000}", At.class)));
        assertEquals(Instant.parse("0001-01-01T00:00:00Z"), IsoInstants.parseInYears("0001-01-01T00:00:00Z"));
        // The database rounds to microseconds: the last one of 9999 is the last instant it gives back as itself.
        assertEquals(Instant.parse("9999-12-31T23:59:59.999999Z"),
                daff.readValue("{\"at\": \"9999-12-31T23:59:59.999999Z\"}", At.class).at());
        org.junit.jupiter.api.Assertions.assertThrows(java.time.DateTimeException.class,
                () -> IsoInstants.parseInYears("-1000000000-01-01T00:00:00Z"));
    }

    /** Both mappers read the same instant, or both refuse. */
    private void assertSameAsJackson(String text) throws Exception {
        String json = daff.writeValueAsString(Map.of("at", text));
        Object expected;
        try {
            expected = jackson.readValue(json, At.class).at();
        } catch (Exception e) {
            expected = e.getClass();
        }
        Object actual;
        try {
            actual = daff.readValue(json, At.class).at();
        } catch (Exception e) {
            actual = e.getClass();
        }
        assertEquals(expected, actual, text);
    }
}
