package dev.daff.incident.washup;

public enum WashupStatus {
    DRAFT, REVIEWED
}
