package dev.daff.localinfra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The local run's own token issuer: an RS256 key pair made on first start and one token per daff role,
 * written to {@code tokens.txt} so a newcomer can call the APIs at once. Production points the services at
 * the organisation's OIDC provider instead; nothing here is used there.
 */
public final class DevelopmentKeys {

    public static final String ISSUER = "https://daff.local/dev";
    /** The audience every daff service expects ({@code mp.jwt.verify.audiences}). */
    public static final String AUDIENCE = "daff";
    public static final List<String> ROLES = List.of("daff-viewer", "daff-responder", "daff-admin", "daff-ingest");
    static final Duration TOKEN_LIFETIME = Duration.ofDays(30);

    private DevelopmentKeys() {
    }

    /**
     * Makes the key pair unless it exists, writes fresh tokens, and answers the environment that points a
     * service at this issuer.
     */
    public static Map<String, String> ensure(Path directory) {
        try {
            Files.createDirectories(directory);
            Path privateKeyFile = directory.resolve("privateKey.pem");
            Path publicKeyFile = directory.resolve("publicKey.pem");
            if (!Files.exists(privateKeyFile) || !Files.exists(publicKeyFile)) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                KeyPair pair = generator.generateKeyPair();
                Files.writeString(privateKeyFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
                Files.writeString(publicKeyFile, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
            }
            PrivateKey signingKey = KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(fromPem(Files.readString(privateKeyFile))));
            StringBuilder tokens = new StringBuilder("# daff development tokens, valid for " + TOKEN_LIFETIME.toDays()
                    + " days. Use as: curl -H \"Authorization: Bearer $TOKEN\" ...\n");
            for (String role : ROLES) {
                String user = role.substring("daff-".length()) + "@daff.local";
                tokens.append(role).append('=').append(sign(signingKey, user, List.of(role))).append('\n');
            }
            Files.writeString(directory.resolve("tokens.txt"), tokens);
            Map<String, String> environment = new LinkedHashMap<>();
            environment.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", publicKeyFile.toUri().toString());
            environment.put("MP_JWT_VERIFY_ISSUER", ISSUER);
            // The development tokens live as long as the local run's key pair does, not the production day.
            environment.put("MP_JWT_VERIFY_TOKEN_AGE", String.valueOf(TOKEN_LIFETIME.toSeconds()));
            return environment;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not make development keys", e);
        }
    }

    /** The tokens {@link #ensure} wrote, by role. */
    public static Map<String, String> tokens(Path directory) {
        try {
            Map<String, String> tokens = new LinkedHashMap<>();
            for (String line : Files.readAllLines(directory.resolve("tokens.txt"))) {
                int separator = line.indexOf('=');
                if (!line.startsWith("#") && separator > 0) {
                    tokens.put(line.substring(0, separator), line.substring(separator + 1));
                }
            }
            return tokens;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sign(PrivateKey key, String user, List<String> groups) throws GeneralSecurityException {
        Instant now = Instant.now();
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
        String claims = "{\"iss\":\"" + ISSUER + "\",\"aud\":\"" + AUDIENCE + "\",\"sub\":\"" + user + "\",\"preferred_username\":\"" + user
                + "\",\"upn\":\"" + user + "\",\"groups\":[" + String.join(",", groups.stream().map(g -> "\"" + g + "\"").toList())
                + "],\"iat\":" + now.getEpochSecond() + ",\"exp\":" + now.plus(TOKEN_LIFETIME).getEpochSecond()
                + ",\"jti\":\"" + UUID.randomUUID() + "\"}";
        String signingInput = base64Url(header.getBytes(StandardCharsets.UTF_8)) + "."
                + base64Url(claims.getBytes(StandardCharsets.UTF_8));
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(key);
        signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + base64Url(signature.sign());
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static byte[] fromPem(String pem) {
        return Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
    }
}
