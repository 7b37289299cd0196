package dev.daff.incident.washup;

/** The seams between layers where incidents tend to sit. */
public enum Seam {
    CONFIG, DEPLOYMENT, MIGRATION, FEATURE_FLAG, DEPENDENCY, CAPACITY, DATA, OTHER
}
