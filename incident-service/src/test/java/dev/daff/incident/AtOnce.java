package dev.daff.incident;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/** Requests sent at the same moment, each from a thread of its own held at one barrier: how concurrent writers arrive. */
final class AtOnce {

    private AtOnce() {
    }

    /** Sends every request at once and answers their status codes, in the order given. */
    @SafeVarargs
    static List<Integer> statuses(Supplier<Integer>... requests) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(requests.length);
        try {
            CyclicBarrier together = new CyclicBarrier(requests.length);
            List<Future<Integer>> answers = new ArrayList<>();
            for (Supplier<Integer> request : requests) {
                answers.add(threads.submit(() -> {
                    together.await();
                    return request.get();
                }));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> answer : answers) {
                statuses.add(answer.get());
            }
            return statuses;
        } finally {
            threads.shutdown();
        }
    }
}
