package dev.daff.slo.openslo;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The {@code daff.dev/} annotations that carry what OpenSLO has no field for; one name each, used both ways. */
final class Annotations {

    static final String PREFIX = "daff.dev/";
    /** The owning team (paging, budgets); else the label {@code team}, else {@code ?team=}. */
    static final String TEAM = PREFIX + "team";
    /** Fewest events in a tier's long window for it to fire. */
    static final String MIN_EVENTS = PREFIX + "min-events";
    /** Silence that fires NO_DATA, ISO-8601 (PT10M) or shorthand (10m). */
    static final String NO_DATA_AFTER = PREFIX + "no-data-after";
    /** Whether VOLUME_DROP is evaluated: "true" or "false". */
    static final String VOLUME_DROP = PREFIX + "volume-drop";
    /** The share of the usual traffic below which VOLUME_DROP fires, as "0.1". */
    static final String VOLUME_DROP_RATIO = PREFIX + "volume-drop-ratio";

    /** Every annotation daff reads: these and {@link BudgetAlertAnnotations#ALL}. */
    static final Set<String> ALL = Stream.concat(Stream.of(TEAM, MIN_EVENTS, NO_DATA_AFTER, VOLUME_DROP,
            VOLUME_DROP_RATIO), BudgetAlertAnnotations.ALL.stream()).collect(Collectors.toUnmodifiableSet());

    private Annotations() {
    }
}
