package dev.daff.incident.lifecycle;

public enum DetectionSource {
    SLO_BURN, ALERTMANAGER, HUMAN, CUSTOMER_REPORT
}
