/**
 * The burn-rate alerting engine, free of frameworks and I/O so that its timing can be proven in plain tests
 * with simulated time.
 *
 * <p>Flow per SLO and tick: ingest feeds {@link dev.daff.slo.burn.SliWindows} (running window sums),
 * {@link dev.daff.slo.burn.BurnCalculator} turns them into a {@link dev.daff.slo.burn.BurnSnapshot}, and
 * {@link dev.daff.slo.burn.AlertEvaluator} applies the SRE Workbook's multiwindow, multi-burn-rate rules
 * (ch. 5) plus NO_DATA and VOLUME_DROP, returning {@link dev.daff.slo.burn.AlertTransition}s. Every step is
 * O(1) per SLO, whatever the SLO period.
 */
package dev.daff.slo.burn;
