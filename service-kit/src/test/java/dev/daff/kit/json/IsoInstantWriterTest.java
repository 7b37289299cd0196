package dev.daff.kit.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.ser.BeanPropertyWriter;

class IsoInstantWriterTest {

    private final ObjectMapper jackson = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private final ObjectMapper daff = JsonSetup.apply(new ObjectMapper().findAndRegisterModules())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    record At(Instant at) {
    }

    record Formatted(@JsonFormat(pattern = "yyyy/MM/dd HH:mm", timezone = "UTC") Instant at) {
    }

    @Test
    void writesWhatJacksonWritesForRandomInstantsAtEveryPrecision() throws Exception {
        Random random = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            long second = random.nextLong(-62_000_000_000L, 300_000_000_000L);
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            assertSameAsJackson(Instant.ofEpochSecond(second, nanos));
        }
    }

    @Test
    void writesTheEdgesAndLeavesTheRestToJackson() throws Exception {
        List<Instant> edges = new ArrayList<>(List.of(Instant.EPOCH, Instant.ofEpochSecond(0, 1),
                Instant.ofEpochSecond(-1, 999_999_999), Instant.parse("2000-02-29T00:00:00Z"),
                Instant.parse("2100-03-01T00:00:00Z"), Instant.parse("1999-12-31T23:59:59.999Z"),
                Instant.parse("9999-12-31T23:59:59.999999999Z"), Instant.parse("+10000-01-01T00:00:00Z"),
                Instant.parse("0001-01-01T00:00:00Z"), Instant.MIN, Instant.MAX, Instant.parse("2026-12-02T12:00:00.100Z"),
                Instant.parse("2026-12-02T12:00:00.000100Z"), Instant.parse("2026-12-02T12:00:00.000000100Z")));
        for (Instant edge : edges) {
            assertSameAsJackson(edge);
            if (edge.getEpochSecond() >= 0 && edge.getEpochSecond() <= 253_402_300_799L) {
                assertEquals(edge.toString(), IsoInstantWriter.format(edge.getEpochSecond(), edge.getNano()));
            }
        }
        Formatted formatted = new Formatted(Instant.parse("2026-12-02T12:34:56Z"));
        assertEquals("{\"at\":\"2026/12/02 12:34\"}", daff.writeValueAsString(formatted));
        assertEquals(formatted.at().getEpochSecond() + ".000000000", JsonSetup.apply(new ObjectMapper().findAndRegisterModules())
                .writeValueAsString(formatted.at()), "timestamps, when a mapper asks for them, are Jackson's");
    }

    @Test
    void theCopyJacksonMakesForAPropertyIsTheFastOne() throws Exception {
        JsonSerializer<Object> record = daff.getSerializerProviderInstance().findValueSerializer(At.class);
        BeanPropertyWriter at = (BeanPropertyWriter) record.properties().next();
        assertInstanceOf(IsoInstantWriter.class, at.getSerializer());
    }

    private void assertSameAsJackson(Instant instant) throws Exception {
        assertEquals(jackson.writeValueAsString(new At(instant)), daff.writeValueAsString(new At(instant)), instant::toString);
    }
}
