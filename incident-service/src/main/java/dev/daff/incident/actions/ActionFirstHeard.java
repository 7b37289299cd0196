package dev.daff.incident.actions;

import java.time.Instant;
import java.util.UUID;

/**
 * An open action of the incident this service had not heard of before: fired (CDI, synchronously) inside the
 * transaction that stored it, whatever the summary it came with (an older one is not kept, the action is). Once per
 * action, so a redelivered or replayed event is no news.
 */
public record ActionFirstHeard(UUID incidentId, UUID actionId, String title, Instant occurredAt) {
}
