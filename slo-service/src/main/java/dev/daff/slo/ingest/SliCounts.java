package dev.daff.slo.ingest;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;

import dev.daff.events.SliEvent;
import dev.daff.events.SliObservedBatch;
import io.quarkus.jackson.ObjectMapperCustomizer;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An observation's {@code good} and {@code total} must be there, not null, and whole numbers, over HTTP and on the
 * topic alike. Jackson's defaults read a missing or null count as 0 and 0.999 as 0: all of the observation's events
 * failed, which pages a 99.9 % SLO. Now such an observation is a 400 or a dead letter that says why; the same holds for
 * every other {@code long} this service reads.
 */
@Singleton
public class SliCounts implements ObjectMapperCustomizer {

    /** The count properties of each observation type, required and never null. */
    @RegisterForReflection
    abstract static class Required {
        @JsonProperty(required = true)
        @JsonSetter(nulls = Nulls.FAIL)
        long good;
        @JsonProperty(required = true)
        @JsonSetter(nulls = Nulls.FAIL)
        long total;
    }

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.addMixIn(SliEvent.class, Required.class)
                .addMixIn(SliObservedBatch.Observation.class, Required.class)
                .addMixIn(SliIngestResource.Observation.class, Required.class);
        mapper.coercionConfigFor(Long.TYPE).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
    }
}
