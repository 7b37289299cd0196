package dev.daff.localinfra;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Concurrent writers for real in tests: one call made by several clients together, each on its own thread. */
public final class Concurrently {

    private Concurrently() {
    }

    /** {@code callers} copies of {@code call} started together; their answers, once all have answered. */
    public static <T> List<T> atOnce(int callers, Callable<T> call) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(callers);
        try {
            List<T> answers = new ArrayList<>();
            for (Future<T> answer : clients.invokeAll(Collections.nCopies(callers, call))) {
                answers.add(answer.get());
            }
            return answers;
        } finally {
            clients.shutdownNow();
        }
    }
}
