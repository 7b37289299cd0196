package dev.daff.incident.washup;

/** Honeycomb's meta-review taxonomy: a provider's failure, our own change, a customer's doing, or not known. */
public enum CauseClass {
    PROVIDER, CHANGE, CUSTOMER, UNKNOWN
}
