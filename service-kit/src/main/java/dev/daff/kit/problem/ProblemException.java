package dev.daff.kit.problem;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A refusal the client can act on: the request was understood and is wrong, or conflicts with the current
 * state. Thrown by services; answered as problem+json with {@link #status()}.
 */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String type;
    private final String title;
    private final List<Problem.FieldError> errors;
    private final Map<String, Object> extensions = new LinkedHashMap<>();
    private Integer retryAfterSeconds;

    public ProblemException(int status, String type, String title, String detail) {
        this(status, type, title, detail, List.of());
    }

    public ProblemException(int status, String type, String title, String detail, List<Problem.FieldError> errors) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
        this.errors = List.copyOf(errors);
    }

    public static ProblemException notFound(String what, String id) {
        return new ProblemException(404, "not-found", what + " not found", "There is no " + what + " '" + id + "'.");
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(400, "invalid-request", "Invalid request", detail);
    }

    public static ProblemException invalidField(String field, String message) {
        return new ProblemException(400, "invalid-request", "Invalid request", field + ": " + message,
                List.of(new Problem.FieldError(field, message)));
    }

    public static ProblemException conflict(String type, String title, String detail) {
        return new ProblemException(409, type, title, detail);
    }

    /** Adds a member to the problem document, such as the states a refused transition could go to. */
    public ProblemException with(String member, Object value) {
        extensions.put(member, value);
        return this;
    }

    /**
     * A refusal because something we depend on is away (503): the client should retry the same request after
     * {@code seconds}, and nothing of it was stored.
     */
    public static ProblemException unavailable(String type, String title, String detail, int retryAfterSeconds) {
        ProblemException unavailable = new ProblemException(503, type, title, detail);
        unavailable.retryAfterSeconds = retryAfterSeconds;
        return unavailable;
    }

    /** The {@code Retry-After} the answer carries, if any. */
    public java.util.Optional<Integer> retryAfterSeconds() {
        return java.util.Optional.ofNullable(retryAfterSeconds);
    }

    /** The fields this problem names, each with what is wrong with it; empty when it names none. */
    public List<Problem.FieldError> errors() {
        return errors == null ? List.of() : errors;
    }

    public int status() {
        return status;
    }

    public Problem toProblem(String instance) {
        return new Problem(Problem.TYPE_PREFIX + type, title, status, getMessage(), instance, errors.isEmpty() ? null : errors,
                extensions.isEmpty() ? null : Map.copyOf(extensions));
    }
}
