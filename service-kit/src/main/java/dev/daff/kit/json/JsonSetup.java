package dev.daff.kit.json;

import java.time.Instant;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * The services' one ObjectMapper reads instants through {@link IsoInstants} and writes them through
 * {@link IsoInstantWriter}, and enums by name only.
 */
@Singleton
public class JsonSetup implements ObjectMapperCustomizer {

    /** Applies {@code daff}'s additions to any mapper: the services' (via Quarkus) and a test's or benchmark's own. */
    public static ObjectMapper apply(ObjectMapper mapper) {
        // An enum is read by name only: by default a number is taken as a position, and "severity": 1 stored SEV2.
        mapper.enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);
        return mapper.registerModule(new SimpleModule("daff-iso-instants").addDeserializer(Instant.class, new IsoInstants())
                .addSerializer(Instant.class, new IsoInstantWriter()));
    }

    @Override
    public void customize(ObjectMapper mapper) {
        apply(mapper);
    }

    /** Last, after Quarkus has registered the JSR-310 module: the module registered last is asked first. */
    @Override
    public int priority() {
        return MINIMUM_PRIORITY;
    }
}
