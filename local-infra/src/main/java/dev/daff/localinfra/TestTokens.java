package dev.daff.localinfra;

import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Set;

import io.restassured.RestAssured;
import io.smallrye.jwt.build.Jwt;

/** Bearer tokens for tests, signed with the key the test resource made for this run. */
public final class TestTokens {

    public static final String VIEWER = "daff-viewer";
    public static final String RESPONDER = "daff-responder";
    public static final String ADMIN = "daff-admin";
    public static final String INGEST = "daff-ingest";
    public static final Set<String> ALL_ROLES = Set.of(VIEWER, RESPONDER, ADMIN, INGEST);

    private TestTokens() {
    }

    public static String token(String user, String... roles) {
        return Jwt.preferredUserName(user).subject(user + "-subject").groups(Set.of(roles)).expiresIn(3600).sign();
    }

    public static String expired(String role) {
        Instant hourAgo = Instant.now().minusSeconds(3600);
        return Jwt.preferredUserName("late").groups(Set.of(role)).issuedAt(hourAgo.minusSeconds(600))
                .expiresAt(hourAgo).sign();
    }

    /** Right claims, wrong key: what a forger would send. */
    public static String forged(String role) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            PrivateKey foreignKey = generator.generateKeyPair().getPrivate();
            return Jwt.preferredUserName("forger").groups(Set.of(role)).expiresIn(3600).sign(foreignKey);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Walks the service's OpenAPI document with a token per role, an expired one and a forged one. */
    public static ApiSecurityWalker.Report walkApi(String baseUrl) throws java.io.IOException, InterruptedException {
        return new ApiSecurityWalker(baseUrl, role -> token("walker", role), expired(ADMIN), forged(ADMIN))
                .walk(ALL_ROLES);
    }

    /**
     * Makes rest-assured send a token with every role unless the test sets its own Authorization header
     * (a test that cares who calls does).
     */
    public static void authenticateEveryRequest() {
        String everyRole = "Bearer " + token("tester", VIEWER, RESPONDER, ADMIN, INGEST);
        RestAssured.filters((request, response, context) -> {
            if (!request.getHeaders().hasHeaderWithName("Authorization")) {
                request.header("Authorization", everyRole);
            }
            return context.next(request, response);
        });
    }
}
