package dev.daff.kit.problem;

import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.ext.ParamConverter;
import jakarta.ws.rs.ext.ParamConverterProvider;
import jakarta.ws.rs.ext.Provider;

/**
 * Reads typed query parameters (instants, UUIDs, enums, true or false) so that a value that is not one is a 400
 * naming the parameter and saying what it takes. JAX-RS answers a query parameter it cannot convert with 404 "there is nothing
 * here", which tells a caller who typed {@code ?status=open} nothing; path parameters keep that 404 (no such thing).
 */
@Provider
public class QueryParameters implements ParamConverterProvider {

    @Override
    @SuppressWarnings({ "unchecked", "rawtypes" })
    public <T> ParamConverter<T> getConverter(Class<T> rawType, Type genericType, Annotation[] annotations) {
        String name = Arrays.stream(annotations).filter(QueryParam.class::isInstance).map(q -> ((QueryParam) q).value())
                .findFirst().orElse(null);
        if (name == null) {
            return null;
        }
        if (rawType == Instant.class) {
            return (ParamConverter<T>) new Converter<>(name, dev.daff.kit.json.IsoInstants::parseInYears,
                    "must be an ISO-8601 instant in the years 0001 to 9999, such as 2026-12-01T10:00:00Z");
        }
        if (rawType == UUID.class) {
            return (ParamConverter<T>) new Converter<>(name, UUID::fromString, "must be a UUID");
        }
        if (rawType == Boolean.class || rawType == boolean.class) {
            // JAX-RS reads any other word as false: ?dryRun=1 ran a real import.
            return (ParamConverter<T>) new Converter<>(name, QueryParameters::strictBoolean, "must be true or false");
        }
        if (rawType.isEnum()) {
            Class<? extends Enum> type = (Class<? extends Enum>) rawType;
            String allowed = Arrays.stream(type.getEnumConstants()).map(Object::toString).collect(Collectors.joining(", "));
            return (ParamConverter<T>) new Converter<>(name, value -> Enum.valueOf(type, value), "must be one of " + allowed);
        }
        return null;
    }

    private static Boolean strictBoolean(String value) {
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.valueOf(value);
        }
        throw new IllegalArgumentException(value);
    }

    private record Converter<T>(String name, Function<String, T> parse, String expected) implements ParamConverter<T> {

        @Override
        public T fromString(String value) {
            if (value == null) {
                return null;
            }
            try {
                return parse.apply(value);
            } catch (IllegalArgumentException | DateTimeException e) {
                throw ProblemException.invalidField(name, expected);
            }
        }

        @Override
        public String toString(T value) {
            return value == null ? null : value.toString();
        }
    }
}
