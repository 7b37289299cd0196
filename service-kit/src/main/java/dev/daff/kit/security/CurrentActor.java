package dev.daff.kit.security;

import jakarta.enterprise.context.RequestScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.SecurityIdentity;

/**
 * Who is acting: taken from the bearer token ({@code preferred_username}, else {@code sub}), never from
 * the request body, so a timeline cannot be signed in someone else's name.
 */
@RequestScoped
public class CurrentActor {

    public static final String ANONYMOUS = "anonymous";

    private final SecurityIdentity identity;

    public CurrentActor(SecurityIdentity identity) {
        this.identity = identity;
    }

    public String name() {
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
