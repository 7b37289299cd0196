package dev.daff.action.followup;

/**
 * Who writes an action: {@code subject} ({@code sub}) identifies the person, {@code name}
 * ({@code preferred_username}) is what the action view shows. daff itself has no subject.
 */
public record Actor(String subject, String name) {

    /** daff, when it makes the WASHUP action on resolution and closes it when the washup is reviewed. */
    public static final Actor DAFF = new Actor(null, "daff");
}
