package dev.daff.kit.problem;

import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.persistence.OptimisticLockException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.hibernate.StaleObjectStateException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;

import dev.daff.kit.json.UnicodeText;

/**
 * The one place errors become answers: every 4xx and 5xx is {@code application/problem+json}, and no
 * answer ever carries a class name or a stack trace (a 500 carries only an id to find the log line).
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    private final CommitRefusal commitRefusal;

    public ProblemMappers(CommitRefusal commitRefusal) {
        this.commitRefusal = commitRefusal;
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        Response answer = answer(e.toProblem(path(uri)));
        return e.retryAfterSeconds()
                .map(seconds -> Response.fromResponse(answer).header("Retry-After", seconds).build())
                .orElse(answer);
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e, UriInfo uri) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(fieldOf(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field))
                .toList();
        String detail = errors.stream().map(err -> err.field() + " " + err.message()).collect(Collectors.joining("; "));
        return answer(new Problem(Problem.TYPE_PREFIX + "invalid-request", "Invalid request", 400, detail, path(uri), errors,
                null));
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonParseException e, UriInfo uri) {
        String where = "(line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
        String original = e.getOriginalMessage();
        if (original != null && original.startsWith("Duplicate field '")) {
            // StrictRequestBodies: which of the two a lenient reader keeps is not the client's to guess.
            String key = original.substring("Duplicate field '".length(), original.lastIndexOf('\''));
            return answer(new Problem(Problem.TYPE_PREFIX + "malformed-json", "Malformed JSON", 400,
                    "The key '" + key + "' is given twice in one object " + where + ".", path(uri),
                    List.of(new Problem.FieldError(key, "is given twice")), null));
        }
        return answer(new Problem(Problem.TYPE_PREFIX + "malformed-json", "Malformed JSON", 400,
                "The request body is not valid JSON " + where + ".", path(uri), null, null));
    }

    // Jackson's subclasses need their own mappers: Quarkus ships built-in ones for them that answer plain JSON,
    // and the closest exception type wins over the JsonMappingException mapper below.
    /**
     * A body whose bytes are no encoding JSON may be in (Jackson reads a UCS-4 byte-order mark it cannot use, or an
     * invalid UTF-32 code point, as a plain {@code CharConversionException}, not one of its own): bad input, not 500.
     */
    @ServerExceptionMapper
    public Response undecodable(java.io.CharConversionException e, UriInfo uri) {
        return answer(new Problem(Problem.TYPE_PREFIX + "malformed-json", "Malformed JSON", 400,
                "The request body is not JSON text in UTF-8, UTF-16 or UTF-32.", path(uri), null, null));
    }

    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException e, UriInfo uri) {
        return unreadable(e, uri);
    }

    @ServerExceptionMapper
    public Response invalidValue(InvalidFormatException e, UriInfo uri) {
        return unreadable(e, uri);
    }

    @ServerExceptionMapper
    public Response unconstructable(ValueInstantiationException e, UriInfo uri) {
        return unreadable(e, uri);
    }

    @ServerExceptionMapper
    public Response unmappable(JsonMappingException e, UriInfo uri) {
        return unreadable(e, uri);
    }

    @ServerExceptionMapper
    public Response stale(OptimisticLockException e, UriInfo uri) {
        return staleAnswer(uri);
    }

    @ServerExceptionMapper
    public Response staleHibernate(StaleObjectStateException e, UriInfo uri) {
        return staleAnswer(uri);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        // A query parameter QueryParameters could not read comes wrapped (JAX-RS makes it a 404): its own 400.
        if (e.getCause() instanceof ProblemException problem) {
            return problem(problem, uri);
        }
        // The JSON reader wraps what Jackson found wrong in a plain 400: answer with the real reason.
        if (e.getCause() instanceof JsonParseException parse) {
            return malformedJson(parse, uri);
        }
        if (e.getCause() instanceof JsonMappingException mapping) {
            return unreadable(mapping, uri);
        }
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e, uri);
        }
        Response.StatusType statusType = e.getResponse().getStatusInfo();
        String title = statusType.getReasonPhrase() == null ? "Request refused" : statusType.getReasonPhrase();
        return answer(new Problem(Problem.TYPE_PREFIX + slug(title), title, status, detailFor(status, title), path(uri), null,
                null));
    }

    @ServerExceptionMapper
    public Response unauthenticated(io.quarkus.security.UnauthorizedException e, UriInfo uri) {
        return unauthorized(uri);
    }

    @ServerExceptionMapper
    public Response authenticationFailed(io.quarkus.security.AuthenticationFailedException e, UriInfo uri) {
        return unauthorized(uri);
    }

    @ServerExceptionMapper
    public Response forbidden(io.quarkus.security.ForbiddenException e, UriInfo uri) {
        return answer(new Problem(Problem.TYPE_PREFIX + "forbidden", "Forbidden", 403, detailFor(403, "Forbidden"),
                path(uri), null, null));
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable thrown, UriInfo uri) {
        Throwable e = answerableFailure(thrown);
        if (TransientFailures.isTransient(e)) {
            // The database or the broker is away for a moment: nothing was stored, and the same request will work.
            LOG.warnf("answered 503 on %s: %s", path(uri), e.toString());
            return problem(ProblemException.unavailable("temporarily-unavailable", "Temporarily unavailable",
                    "A service this one depends on did not answer; nothing was changed. Retry shortly.", 5), uri);
        }
        if (refusedValue(e)) {
            // The transaction rolled back, so nothing changed; the value is the client's to fix, not ours.
            LOG.warnf("answered 400 on %s: the database refused a value: %s", path(uri), e.toString());
            return answer(new Problem(Problem.TYPE_PREFIX + "invalid-request", "Invalid request", 400,
                    "A value in the request cannot be stored: a NUL character, a time outside years 1 to 294,276 or a"
                            + " number out of range. Nothing was changed.",
                    path(uri), null, null));
        }
        if (createdConcurrently(e)) {
            // Two requests made the same row at once (a first cause, a first washup draft): one of them lost, nothing
            // of it was kept, and the row it meant to make is there now.
            LOG.infof("answered 409 on %s: made concurrently by another request: %s", path(uri), e.toString());
            return problem(ProblemException.conflict("concurrent-update", "Changed at the same moment",
                    "Another request made the same record at the same moment; nothing of this one was kept. Read it again"
                            + " and retry if it still needs changing."), uri);
        }
        String errorId = UUID.randomUUID().toString();
        LOG.errorf(e, "unexpected error %s on %s", errorId, path(uri));
        return answer(new Problem(Problem.TYPE_PREFIX + "internal-error", "Internal error", 500,
                "Something went wrong on our side. Quote error id " + errorId + " when you report it.", path(uri), null,
                null));
    }

    /** What to answer for: a commit refused because the step before it failed answers for that step's failure. */
    private Throwable answerableFailure(Throwable thrown) {
        var container = io.quarkus.arc.Arc.container();
        return container != null && container.requestContext().isActive() ? commitRefusal.answerFor(thrown) : thrown;
    }

    /** Whether PostgreSQL refused a row because a concurrent transaction had just made one with its key (23505). */
    private static boolean createdConcurrently(Throwable failure) {
        return TransientFailures.databaseError(failure).map(SQLException::getSQLState).filter("23505"::equals).isPresent();
    }

    /** Whether PostgreSQL refused a value itself: SQLSTATE class 22, "data exception". */
    private static boolean refusedValue(Throwable failure) {
        return TransientFailures.databaseError(failure).map(SQLException::getSQLState)
                .filter(state -> state.startsWith("22")).isPresent();
    }

    private static Response unreadable(JsonMappingException e, UriInfo uri) {
        String field = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        String message = e instanceof UnicodeText.UnpairedSurrogate lone
                ? "is not Unicode text: it holds " + lone.getOriginalMessage()
                : e instanceof InvalidFormatException invalid
                ? "cannot be '" + invalid.getValue() + "'" + allowedValues(invalid.getTargetType())
                : e instanceof InvalidNullException ? "must not be null"
                : e instanceof UnrecognizedPropertyException unknown ? "is not a field here" + knownFields(unknown)
                : e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Missing required creator property")
                        ? "is required"
                : "has the wrong shape or type";
        if (field.isEmpty()) {
            field = "body";
        }
        return answer(new Problem(Problem.TYPE_PREFIX + "invalid-request", "Invalid request", 400, field + " " + message,
                path(uri), List.of(new Problem.FieldError(field, message)), null));
    }

    private static String knownFields(UnrecognizedPropertyException unknown) {
        if (unknown.getKnownPropertyIds() == null || unknown.getKnownPropertyIds().isEmpty()) {
            return "";
        }
        return " (the fields are " + unknown.getKnownPropertyIds().stream().map(Object::toString).sorted()
                .collect(Collectors.joining(", ")) + ")";
    }

    private static String allowedValues(Class<?> type) {
        if (type == null || !type.isEnum()) {
            return "";
        }
        return " (one of " + java.util.Arrays.stream(type.getEnumConstants()).map(Object::toString)
                .collect(Collectors.joining(", ")) + ")";
    }

    private static Response unauthorized(UriInfo uri) {
        return Response.fromResponse(answer(new Problem(Problem.TYPE_PREFIX + "unauthorized", "Unauthorized", 401,
                detailFor(401, "Unauthorized"), path(uri), null, null)))
                .header("WWW-Authenticate", "Bearer").build();
    }

    private static Response staleAnswer(UriInfo uri) {
        return answer(new Problem(Problem.TYPE_PREFIX + "stale-update", "Stale update", 409,
                "Someone else changed this since you read it. Read it again and reapply your change.", path(uri), null,
                null));
    }

    private static String detailFor(int status, String title) {
        return switch (status) {
            case 401 -> "A valid bearer token is required.";
            case 403 -> "Your token's roles do not allow this.";
            case 404 -> "There is nothing here.";
            case 405 -> "This resource does not support that method.";
            case 413 -> "The request is larger than this service accepts.";
            case 415 -> "Send the body as application/json.";
            default -> title + ".";
        };
    }

    private static String fieldOf(ConstraintViolation<?> violation) {
        // Method-parameter paths read "create.request.title": the field a client sent is what follows the argument.
        String path = violation.getPropertyPath().toString();
        String[] parts = path.split("\\.", 3);
        return parts.length == 3 ? parts[2] : parts[parts.length - 1];
    }

    private static String slug(String title) {
        return title.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }

    private static String path(UriInfo uri) {
        return uri == null ? null : uri.getPath();
    }

    static Response answer(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
