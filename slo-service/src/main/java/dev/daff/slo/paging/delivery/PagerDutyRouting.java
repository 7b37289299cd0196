package dev.daff.slo.paging.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** PagerDuty bodies are stored without their routing key (a secret); it goes in only as the request is sent. */
final class PagerDutyRouting {

    private PagerDutyRouting() {
    }

    /** A stored PagerDuty body with its routing key first, as it goes out. */
    static String withRoutingKey(ObjectMapper json, String body, String routingKey) {
        try {
            ObjectNode event = json.createObjectNode();
            event.put("routing_key", routingKey);
            JsonNode stored = json.readTree(body);
            stored.fields().forEachRemaining(field -> {
                if (!"routing_key".equals(field.getKey())) {
                    event.set(field.getKey(), field.getValue());
                }
            });
            return json.writeValueAsString(event);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a stored PagerDuty body is not JSON", e);
        }
    }
}
