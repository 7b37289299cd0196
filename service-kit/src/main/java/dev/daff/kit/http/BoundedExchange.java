package dev.daff.kit.http;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An outgoing request whose whole exchange, body included, ends by a deadline. A request's own timeout lasts only
 * until the headers: a receiver that answered them at once and then trickled its body held the caller's thread (a
 * page's sender, a responder's rollback) for as long as it liked. Past the deadline the exchange is cancelled, which
 * closes its connection.
 */
public final class BoundedExchange {

    private BoundedExchange() {
    }

    /**
     * Sends {@code request} and waits for its whole answer until {@code deadline} after {@code begunNanos} (a
     * {@link System#nanoTime()}: time the caller spent before sending counts).
     *
     * @throws TimeoutException   no whole answer by the deadline
     * @throws ExecutionException the exchange failed; its cause says how
     */
    public static HttpResponse<Void> send(HttpClient http, HttpRequest request, long begunNanos, Duration deadline)
            throws TimeoutException, ExecutionException, InterruptedException {
        CompletableFuture<HttpResponse<Void>> answer = http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        try {
            long left = deadline.toMillis() - (System.nanoTime() - begunNanos) / 1_000_000;
            return answer.get(Math.max(left, 1), TimeUnit.MILLISECONDS);
        } finally {
            if (!answer.isDone()) {
                answer.cancel(true);
            }
        }
    }
}
