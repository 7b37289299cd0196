package dev.daff.slo.definition;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/** The rolling windows an SLO may be measured over. */
public enum SloWindow {
    DAYS_7(7), DAYS_28(28), DAYS_30(30);

    private final int days;

    SloWindow(int days) {
        this.days = days;
    }

    public int days() {
        return days;
    }

    public Duration length() {
        return Duration.ofDays(days);
    }

    /** The wire form: "7d", "28d", "30d". */
    public String label() {
        return days + "d";
    }

    public static Optional<SloWindow> parse(String label) {
        return Arrays.stream(values()).filter(window -> window.label().equals(label)).findFirst();
    }

    public static SloWindow ofDays(int days) {
        return Arrays.stream(values()).filter(window -> window.days == days).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no " + days + "-day window"));
    }
}
