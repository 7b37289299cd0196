package dev.daff.kit.http;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.kit.db.AdvisoryLocks;
import dev.daff.kit.problem.ProblemException;
import dev.daff.kit.text.Sha256;

/**
 * Creates that an {@code Idempotency-Key} makes safe to retry ({@code idempotent_request}, in the services that
 * take one). A client whose answer was lost — a timeout at the ingress, a dropped connection, CI's {@code curl
 * --retry} — sends the same request with the same key again and gets what the first one made instead of a second
 * incident, action or change. Keys are the caller's own (scoped by endpoint and subject) and remembered for
 * {@link #KEPT} from their first use; the same key with a different request is refused, as it would otherwise answer
 * for something the client did not ask.
 */
@ApplicationScoped
public class IdempotentCreates {

    public static final String HEADER = "Idempotency-Key";
    /** As long as a client can sensibly retry; the rows past it are cleared a few at a time by later creates. */
    public static final Duration KEPT = Duration.ofHours(24);
    static final int MAX_KEY_LENGTH = 200;
    private static final int CLEARED_PER_CREATE = 20;

    /** What a create made (its id), and whether an earlier request with the same key made it. */
    public record Created(UUID id, boolean replayed) {

        /** The same answer about {@code view}, what was made as it is now. */
        public <T> Made<T> as(T view) {
            return new Made<>(view, replayed);
        }
    }

    /** What a create answers: what was made as it is now, and whether an earlier request with the key made it. */
    public record Made<T>(T view, boolean replayed) {

        /**
         * 201 with what was made, for the first request and its retries alike (a retry's client acts on the answer it
         * missed), the retries marked {@code Idempotent-Replayed: true}.
         */
        public Response created(URI location) {
            Response.ResponseBuilder answer = Response.created(location).entity(view);
            return (replayed ? answer.header("Idempotent-Replayed", "true") : answer).build();
        }
    }

    private final EntityManager entityManager;
    private final ObjectMapper json;
    private final Clock clock;

    public IdempotentCreates(EntityManager entityManager, ObjectMapper json, Clock clock) {
        this.entityManager = entityManager;
        this.json = json;
        this.clock = clock;
    }

    /**
     * As {@link #once}, and without a key the request itself is the key: for creates where two requests alike from one
     * caller within {@link #KEPT} can only be one sent again (a pipeline reporting a change, retried after a timeout,
     * stored it twice, and "what changed?" listed it twice).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Created onceAlike(String endpoint, String subject, String key, Object request, Supplier<UUID> create) {
        byte[] fingerprint = fingerprint(request);
        String alike = key != null ? key : "request:" + HexFormat.of().formatHex(fingerprint);
        return onceFingerprinted(endpoint, subject, alike, fingerprint, create);
    }

    /**
     * Runs {@code create} unless an earlier request of this caller to this endpoint with {@code key} made something:
     * then answers that, and creates nothing. Without a key it just creates. Requests with one key take turns (a lock
     * on the key until the transaction ends), so two sent at once make one thing between them.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Created once(String endpoint, String subject, String key, Object request, Supplier<UUID> create) {
        return key == null ? new Created(create.get(), false)
                : onceFingerprinted(endpoint, subject, key, fingerprint(request), create);
    }

    /** {@link #once} with a key, for a request whose fingerprint is {@code fingerprint}. */
    private Created onceFingerprinted(String endpoint, String subject, String key, byte[] fingerprint,
            Supplier<UUID> create) {
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            throw ProblemException.invalidField(HEADER, "must be 1 to " + MAX_KEY_LENGTH
                    + " printable ASCII characters without spaces (a UUID, say)");
        }
        String scope = endpoint + "\n" + subject;
        AdvisoryLocks.take(entityManager, "idempotent-request\n" + scope + "\n" + key);
        OffsetDateTime now = OffsetDateTime.now(clock);
        @SuppressWarnings("unchecked")
        List<Object[]> earlier = entityManager.createNativeQuery("""
                select created_id, request_sha256 from idempotent_request
                where scope = ?1 and key = ?2 and first_used_at > ?3""")
                .setParameter(1, scope).setParameter(2, key).setParameter(3, now.minus(KEPT)).getResultList();
        if (!earlier.isEmpty()) {
            if (!Arrays.equals(fingerprint, (byte[]) earlier.get(0)[1])) {
                throw new ProblemException(422, "idempotency-key-reused", "Idempotency-Key already used",
                        "This " + HEADER + " was sent with a different request in the last " + KEPT.toHours()
                                + " hours; nothing was created. Send a new key for a new request.");
            }
            return new Created((UUID) earlier.get(0)[0], true);
        }
        UUID created = create.get();
        entityManager.createNativeQuery("""
                insert into idempotent_request (scope, key, request_sha256, created_id, first_used_at)
                values (?1, ?2, ?3, ?4, ?5)
                on conflict (scope, key) do update set request_sha256 = excluded.request_sha256,
                    created_id = excluded.created_id, first_used_at = excluded.first_used_at""")
                .setParameter(1, scope).setParameter(2, key).setParameter(3, fingerprint).setParameter(4, created)
                .setParameter(5, now).executeUpdate();
        entityManager.createNativeQuery("""
                delete from idempotent_request where ctid = any(array(
                    select ctid from idempotent_request where first_used_at <= ?1 order by first_used_at limit ?2))""")
                .setParameter(1, now.minus(KEPT)).setParameter(2, CLEARED_PER_CREATE).executeUpdate();
        return new Created(created, false);
    }

    /** The request as the service read it (its JSON, fields in declaration order): a retry reads the same. */
    private byte[] fingerprint(Object request) {
        try {
            return Sha256.of(json.writeValueAsString(request));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot fingerprint the request", e);
        }
    }
}
