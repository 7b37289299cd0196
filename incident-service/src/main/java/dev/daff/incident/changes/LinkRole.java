package dev.daff.incident.changes;

/** What people concluded a change did to an incident. */
public enum LinkRole {
    CAUSED, CONTRIBUTED
}
