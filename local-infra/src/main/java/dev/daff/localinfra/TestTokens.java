package dev.daff.localinfra;

import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Map;
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

    /** Signed by the right key but meant for another application. */
    public static String wrongAudience(String role) {
        return Jwt.preferredUserName("elsewhere").audience("some-other-app").groups(Set.of(role)).expiresIn(3600).sign();
    }

    /** Signed by the right key, from another issuer. */
    public static String wrongIssuer(String role) {
        return Jwt.issuer("https://issuer.elsewhere.example").preferredUserName("stranger").groups(Set.of(role))
                .expiresIn(3600).sign();
    }

    /** Signed by the right key and not expired, but issued more than a day ago (the longest a token is taken). */
    public static String tooOld(String role) {
        Instant now = Instant.now();
        return Jwt.preferredUserName("old").groups(Set.of(role)).issuedAt(now.minus(java.time.Duration.ofDays(2)))
                .expiresAt(now.plusSeconds(3600)).sign();
    }

    /** Signed by the right key, carrying no roles at all. */
    public static String withoutGroups() {
        return Jwt.preferredUserName("nobody").expiresIn(3600).sign();
    }

    /** {@code alg: none}: the right claims and no signature. */
    public static String unsigned(String role) {
        return unsignedWith("{\"alg\":\"none\",\"typ\":\"JWT\"}", role);
    }

    /** HS256 with the issuer's public key as the HMAC secret: the classic algorithm-confusion forgery. */
    public static String hmacWithPublicKey(String role, byte[] publicKey) {
        try {
            String signingInput = unsignedWith("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", role);
            signingInput = signingInput.substring(0, signingInput.length() - 1); // drop the empty signature's dot
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(publicKey, "HmacSHA256"));
            return signingInput + "." + base64Url(mac.doFinal(signingInput.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String unsignedWith(String header, String role) {
        long now = Instant.now().getEpochSecond();
        String claims = "{\"iss\":\"" + DevelopmentKeys.ISSUER + "\",\"aud\":\"" + DevelopmentKeys.AUDIENCE
                + "\",\"sub\":\"mallory\",\"preferred_username\":\"mallory\",\"groups\":[\"" + role + "\"],\"iat\":" + now
                + ",\"exp\":" + (now + 3600) + "}";
        return base64Url(header.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "."
                + base64Url(claims.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + ".";
    }

    private static String base64Url(byte[] bytes) {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Walks the service's OpenAPI document with a token per role and each token that must be refused. */
    public static ApiSecurityWalker.Report walkApi(String baseUrl) throws java.io.IOException, InterruptedException {
        byte[] publicKey = java.util.Base64.getMimeDecoder().decode(org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("mp.jwt.verify.publickey.location", String.class).transform(TestTokens::readPem));
        Map<String, String> refused = new java.util.LinkedHashMap<>();
        refused.put("expired token", expired(ADMIN));
        refused.put("forged token", forged(ADMIN));
        refused.put("token for another audience", wrongAudience(ADMIN));
        refused.put("token from another issuer", wrongIssuer(ADMIN));
        refused.put("token issued two days ago", tooOld(ADMIN));
        refused.put("alg none token", unsigned(ADMIN));
        refused.put("HS256 token keyed with the public key", hmacWithPublicKey(ADMIN, publicKey));
        return new ApiSecurityWalker(baseUrl, role -> token("walker", role), refused, withoutGroups()).walk(ALL_ROLES);
    }

    private static String readPem(String location) {
        try {
            String pem = java.nio.file.Files.readString(java.nio.file.Path.of(java.net.URI.create(location)));
            return pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
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
