package dev.daff.kit.security;

import jakarta.enterprise.context.RequestScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import dev.daff.kit.text.Sha256;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * Who is acting: taken from the bearer token, never from the request body, so a timeline cannot be signed in
 * someone else's name. {@link #subject()} ({@code sub}) identifies the person and never changes;
 * {@link #displayName()} ({@code preferred_username}) is what people read and may change when they rename.
 */
@RequestScoped
public class CurrentActor {

    public static final String ANONYMOUS = "anonymous";

    private final SecurityIdentity identity;

    public CurrentActor(SecurityIdentity identity) {
        this.identity = identity;
    }

    /** The longest actor name stored (the actor columns hold 200 characters). */
    public static final int MAX_LENGTH = 200;

    /** The display name ({@code preferred_username}, else {@code sub}). */
    public String name() {
        return fitted(rawName());
    }

    /** The display name ({@code preferred_username}, else {@code sub}), fitted to the actor columns. */
    public String displayName() {
        return name();
    }

    /** The stable identity ({@code sub}; the principal's name for a token without one), fitted to the actor columns. */
    public String subject() {
        if (identity == null || identity.isAnonymous()) {
            return ANONYMOUS;
        }
        if (identity.getPrincipal() instanceof JsonWebToken token && token.getSubject() != null
                && !token.getSubject().isBlank()) {
            return fitted(token.getSubject());
        }
        return fitted(identity.getPrincipal().getName());
    }

    /** Whether the caller holds the role. */
    public boolean hasRole(String role) {
        return identity != null && identity.hasRole(role);
    }

    /**
     * A name the actor columns can hold: a longer one (an identity provider may put anything in a claim) is cut
     * and given a short hash of the whole, so two long names stay distinguishable and no write fails on it.
     */
    static String fitted(String name) {
        if (name.length() <= MAX_LENGTH) {
            return name;
        }
        return name.substring(0, MAX_LENGTH - 9) + "~" + Sha256.hex(name).substring(0, 8);
    }

    private String rawName() {
        if (identity == null || identity.isAnonymous()) {
            return ANONYMOUS;
        }
        if (identity.getPrincipal() instanceof JsonWebToken token) {
            String preferred = token.getClaim("preferred_username");
            if (preferred != null && !preferred.isBlank()) {
                return preferred;
            }
            if (token.getSubject() != null) {
                return token.getSubject();
            }
        }
        return identity.getPrincipal().getName();
    }
}
