package dev.daff.action.followup;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Exactly one owning team: shared ownership is no ownership, the lesson of the washups whose actions
 * never got done.
 */
public final class OwnerRule {

    private static final Set<String> NOBODY = Set.of("shared", "all", "everyone", "everybody", "all-teams", "teams",
            "tbd", "none", "n/a", "unknown");
    private static final Pattern SEVERAL = Pattern.compile("[,;&/+]|\\s(and|or)\\s");

    private OwnerRule() {
    }

    /** Why {@code ownerTeam} cannot own an action, or empty when it can. */
    public static Optional<String> refusal(String ownerTeam) {
        if (ownerTeam == null || ownerTeam.isBlank()) {
            return Optional.of("an action needs exactly one owning team; none was given");
        }
        String normalised = ownerTeam.trim().toLowerCase(Locale.ROOT);
        if (NOBODY.contains(normalised)) {
            return Optional.of("'" + ownerTeam + "' is not a team: shared ownership is no ownership. Name the one team"
                    + " that will do it, and give other teams their own actions");
        }
        if (SEVERAL.matcher(normalised).find()) {
            return Optional.of("'" + ownerTeam + "' names several teams; an action has exactly one owning team."
                    + " Split it into one action per team");
        }
        // The team's handle as slo-service's teams have it, where its reminders and reports are delivered: "Payments"
        // or "payments team" was stored, and every notice for it went to a team that cannot exist.
        if (!ownerTeam.trim().matches("[a-z0-9][a-z0-9._-]{0,99}")) {
            return Optional.of("'" + ownerTeam + "' is not a team's handle (lower-case letters, digits, '.', '_' and"
                    + " '-', as the team is named in slo-service, where its reminders go)");
        }
        return Optional.empty();
    }
}
