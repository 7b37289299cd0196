package dev.daff.incident.changes;

/** What sort of change: the axes along which a system can be changed under an incident. */
public enum ChangeKind {
    DEPLOY, CONFIG, FEATURE_FLAG, INFRASTRUCTURE, MIGRATION, DEPENDENCY
}
