package dev.daff.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real OpenID Connect provider, as small as the authorization-code flow allows, standing in for the organisation's
 * (Keycloak, Entra ID, Okta): discovery, a sign-in that signs one person in without asking, the token endpoint
 * (client secret, Basic), its signing key, and RP-initiated logout, which it records. The ID tokens are signed with
 * a key of its own; the access token it hands out is whatever the test gives it (a token the services accept).
 */
final class OidcProviderStandIn implements AutoCloseable {

    static final String CLIENT_ID = "daff-console";
    static final String CLIENT_SECRET = "console-secret-for-the-stand-in";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One RP-initiated logout as asked: the ID token it named and where it was to send the person back. */
    record Logout(String idTokenHint, String postLogoutRedirectUri) {
    }

    private final HttpServer server;
    private final KeyPair key;
    private final String person;
    private final String accessToken;
    private final boolean endSession;
    private final Duration tokenLifetime;
    private final Map<String, String> nonceByCode = new ConcurrentHashMap<>();
    private final Set<String> refreshTokens = ConcurrentHashMap.newKeySet();
    private final AtomicInteger refreshes = new AtomicInteger();
    private volatile Instant lastExpiry = Instant.EPOCH;
    private volatile boolean unavailable;
    private final AtomicInteger refusedWhileUnavailable = new AtomicInteger();
    private final List<String> idTokensIssued = new CopyOnWriteArrayList<>();
    private final List<Logout> logouts = new CopyOnWriteArrayList<>();

    private OidcProviderStandIn(HttpServer server, KeyPair key, String person, String accessToken, boolean endSession,
            Duration tokenLifetime) {
        this.server = server;
        this.key = key;
        this.person = person;
        this.accessToken = accessToken;
        this.endSession = endSession;
        this.tokenLifetime = tokenLifetime;
    }

    /** @param endSession whether it offers RP-initiated logout (an {@code end_session_endpoint}; Google's does not) */
    static OidcProviderStandIn start(String person, String accessToken, boolean endSession) {
        return start(person, accessToken, endSession, Duration.ofHours(1));
    }

    /** @param tokenLifetime how long its ID and access tokens last (Keycloak's default: five minutes) */
    static OidcProviderStandIn start(String person, String accessToken, boolean endSession, Duration tokenLifetime) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 20);
            OidcProviderStandIn provider = new OidcProviderStandIn(server, generator.generateKeyPair(), person, accessToken,
                    endSession, tokenLifetime);
            server.createContext("/", provider::handle);
            server.start();
            return provider;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<String> idTokensIssued() {
        return List.copyOf(idTokensIssued);
    }

    List<Logout> logouts() {
        return List.copyOf(logouts);
    }

    /** What a console needs to sign people in here. */
    Map<String, String> consoleEnvironment() {
        return Map.of("QUARKUS_OIDC_TENANT_ENABLED", "true", "QUARKUS_OIDC_AUTH_SERVER_URL", issuer(),
                "QUARKUS_OIDC_CLIENT_ID", CLIENT_ID, "QUARKUS_OIDC_CREDENTIALS_SECRET", CLIENT_SECRET);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (unavailable) {
                refusedWhileUnavailable.incrementAndGet();
                json(exchange, 503, Map.of("error", "temporarily_unavailable"));
                return;
            }
            Map<String, String> query = form(exchange.getRequestURI().getRawQuery());
            switch (exchange.getRequestURI().getPath()) {
                case "/.well-known/openid-configuration" -> json(exchange, 200, discovery());
                case "/jwks" -> json(exchange, 200, Map.of("keys", List.of(publicJwk())));
                case "/authorize" -> signIn(exchange, query);
                case "/token" -> token(exchange);
                case "/logout" -> { // asked only if discovery names it, but recorded either way
                    logouts.add(new Logout(query.get("id_token_hint"), query.get("post_logout_redirect_uri")));
                    String back = query.getOrDefault("post_logout_redirect_uri", issuer() + "/signed-out");
                    redirect(exchange, query.containsKey("state") ? back + (back.contains("?") ? "&" : "?")
                            + "state=" + encode(query.get("state")) : back);
                }
                default -> json(exchange, 404, Map.of("error", "not_found"));
            }
        }
    }

    private Map<String, Object> discovery() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("issuer", issuer());
        metadata.put("authorization_endpoint", issuer() + "/authorize");
        metadata.put("token_endpoint", issuer() + "/token");
        metadata.put("jwks_uri", issuer() + "/jwks");
        if (endSession) {
            metadata.put("end_session_endpoint", issuer() + "/logout");
        }
        metadata.put("response_types_supported", List.of("code"));
        metadata.put("subject_types_supported", List.of("public"));
        metadata.put("id_token_signing_alg_values_supported", List.of("RS256"));
        metadata.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic"));
        return metadata;
    }

    /** The person is signed in at once (no form): back to the client with a one-time code. */
    private void signIn(HttpExchange exchange, Map<String, String> query) throws IOException {
        if (!CLIENT_ID.equals(query.get("client_id")) || query.get("redirect_uri") == null) {
            json(exchange, 400, Map.of("error", "invalid_request"));
            return;
        }
        String code = UUID.randomUUID().toString();
        nonceByCode.put(code, query.getOrDefault("nonce", ""));
        String redirect = query.get("redirect_uri");
        redirect(exchange, redirect + (redirect.contains("?") ? "&" : "?") + "code=" + code
                + (query.containsKey("state") ? "&state=" + encode(query.get("state")) : ""));
    }

    private void token(HttpExchange exchange) throws IOException {
        Map<String, String> body = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String expected = "Basic " + Base64.getEncoder().encodeToString((CLIENT_ID + ":" + CLIENT_SECRET)
                .getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            json(exchange, 401, Map.of("error", "invalid_client"));
            return;
        }
        String nonce;
        if ("refresh_token".equals(body.get("grant_type"))) {
            // each refresh token once (rotated, as Keycloak can be told to)
            nonce = refreshTokens.remove(body.getOrDefault("refresh_token", "")) ? "" : null;
            if (nonce != null) {
                refreshes.incrementAndGet();
            }
        } else {
            nonce = "authorization_code".equals(body.get("grant_type")) ? nonceByCode.remove(body.getOrDefault("code", ""))
                    : null;
        }
        if (nonce == null) {
            json(exchange, 400, Map.of("error", "invalid_grant"));
            return;
        }
        String idToken = idToken(nonce);
        idTokensIssued.add(idToken);
        String refreshToken = UUID.randomUUID().toString();
        refreshTokens.add(refreshToken);
        json(exchange, 200, Map.of("access_token", accessToken, "token_type", "Bearer", "expires_in",
                tokenLifetime.toSeconds(), "id_token", idToken, "refresh_token", refreshToken));
    }

    /** Whether it answers every request 503, as a provider that is restarting behind its load balancer does. */
    void unavailable(boolean down) {
        unavailable = down;
    }

    /** How many requests it refused while unavailable. */
    int refusedWhileUnavailable() {
        return refusedWhileUnavailable.get();
    }

    /** From now on no refresh token it gave out renews anything (the person's session at the provider ended). */
    void forgetRefreshTokens() {
        refreshTokens.clear();
    }

    /** When the last ID token it issued expires. */
    Instant lastExpiry() {
        return lastExpiry;
    }

    /** How many times a client used a refresh token to renew its session. */
    int refreshes() {
        return refreshes.get();
    }

    private String idToken(String nonce) {
        Instant now = Instant.now();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer());
        claims.put("aud", CLIENT_ID);
        claims.put("sub", person);
        claims.put("preferred_username", person);
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", now.plus(tokenLifetime).getEpochSecond());
        lastExpiry = now.plus(tokenLifetime);
        claims.put("sid", UUID.randomUUID().toString());
        if (!nonce.isEmpty()) {
            claims.put("nonce", nonce);
        }
        try {
            String signingInput = base64Url(JSON.writeValueAsBytes(Map.of("alg", "RS256", "typ", "JWT", "kid", "stand-in")))
                    + "." + base64Url(JSON.writeValueAsBytes(claims));
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key.getPrivate());
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + base64Url(signature.sign());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, Object> publicJwk() {
        RSAPublicKey publicKey = (RSAPublicKey) key.getPublic();
        return Map.of("kty", "RSA", "kid", "stand-in", "use", "sig", "alg", "RS256",
                "n", base64Url(unsigned(publicKey.getModulus().toByteArray())),
                "e", base64Url(unsigned(publicKey.getPublicExponent().toByteArray())));
    }

    private static byte[] unsigned(byte[] twosComplement) {
        return twosComplement.length > 1 && twosComplement[0] == 0
                ? java.util.Arrays.copyOfRange(twosComplement, 1, twosComplement.length)
                : twosComplement;
    }

    private static void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().add("Location", location);
        exchange.sendResponseHeaders(302, -1);
    }

    private static void json(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static Map<String, String> form(String raw) {
        Map<String, String> values = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return values;
        }
        for (String pair : raw.split("&")) {
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            values.put(name, equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return values;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
