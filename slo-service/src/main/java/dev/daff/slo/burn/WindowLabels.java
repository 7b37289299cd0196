package dev.daff.slo.burn;

import java.time.Duration;

/** Short labels for window lengths as on-call engineers say them: 5m, 1h, 3d. */
public final class WindowLabels {

    private WindowLabels() {
    }

    public static String of(Duration window) {
        long seconds = window.toSeconds();
        if (seconds % 86_400 == 0) {
            return seconds / 86_400 + "d";
        }
        if (seconds % 3_600 == 0) {
            return seconds / 3_600 + "h";
        }
        return seconds / 60 + "m";
    }
}
