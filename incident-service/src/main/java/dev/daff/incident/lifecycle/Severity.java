package dev.daff.incident.lifecycle;

public enum Severity {
    SEV1, SEV2, SEV3, SEV4
}
