package dev.daff.kit.http;

import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.kit.json.UnicodeText;

/**
 * The JSON of HTTP requests is read strictly: a key the body type does not have, or a key given twice, is a 400 naming
 * it. Read leniently, a misspelt key in a replacing {@code PUT} (a washup's {@code "rootCuase"}) was dropped and the
 * field it meant was stored empty, answered 200; and of {@code {"title": "a", "title": "b"}} the last won unseen.
 *
 * <p>Only request bodies: Kafka events and stored JSON keep the services' lenient mapper, so a newer version's
 * events still read during a rolling upgrade. A body written by another product (Alertmanager's webhook) says
 * so on its type with {@code @JsonIgnoreProperties(ignoreUnknown = true)}, which wins over this. Text that is not
 * Unicode (a lone surrogate spelt with {@code \u005Cu} escapes) is a 400 too: {@link UnicodeText}.
 */
@Provider
public class StrictRequestBodies implements ContextResolver<ObjectMapper> {

    private final ObjectMapper strict;

    public StrictRequestBodies(ObjectMapper services) {
        this.strict = services.copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).registerModule(UnicodeText.module());
    }

    @Override
    public ObjectMapper getContext(Class<?> type) {
        return strict;
    }
}
