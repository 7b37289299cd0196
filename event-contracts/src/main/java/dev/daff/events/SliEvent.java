package dev.daff.events;

import java.time.Instant;

/**
 * Counts of good and total events for one SLO observed at one instant ({@code at} may be null: "now").
 */
public record SliEvent(String slo, Instant at, long good, long total) {
}
