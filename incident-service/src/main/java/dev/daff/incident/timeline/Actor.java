package dev.daff.incident.timeline;

/**
 * A person acting through their token: {@code subject} ({@code sub}) is who they are and is what decisions compare
 * (the same person? the one named?); {@code name} ({@code preferred_username}) is what timelines and views show.
 */
public record Actor(String subject, String name) {

    /** daff itself (a consumer, the finalisation gate): a name on the timeline, no subject. */
    public static Actor daff(String name) {
        return new Actor(null, name);
    }

    /** Whether this is the same person as the one with {@code otherSubject}; an unknown subject matches nobody. */
    public boolean is(String otherSubject) {
        return subject != null && subject.equals(otherSubject);
    }
}
