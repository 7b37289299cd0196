package dev.daff.localinfra;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The name server at the edge of the world, for hosts under {@code .dns.test}: each resolves to the loopback address,
 * or, while {@link #silence silenced}, does not answer until {@link #answerAgain}, as a zone's DNS that is down. Every
 * other host is resolved as usual. A service's test stands it in for the bean its outbound requests resolve hosts with.
 */
public final class SilentNameServers {

    /** The resolver a host outside {@code .dns.test} goes to. */
    @FunctionalInterface
    public interface Lookup {
        InetAddress[] addresses(String host) throws UnknownHostException;
    }

    private static final Set<String> SILENCED = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger WAITING = new AtomicInteger();
    private static volatile CountDownLatch answer = new CountDownLatch(0);

    private SilentNameServers() {
    }

    /** Lookups of {@code host} go unanswered from now until {@link #answerAgain}. */
    public static void silence(String host) {
        answer = new CountDownLatch(1);
        SILENCED.add(host);
    }

    public static void answerAgain() {
        SILENCED.clear();
        answer.countDown();
    }

    /** How many lookups are waiting for an answer now. */
    public static int waiting() {
        return WAITING.get();
    }

    public static InetAddress[] addresses(String host, Lookup elsewhere) throws UnknownHostException {
        if (!host.endsWith(".dns.test")) {
            return elsewhere.addresses(host);
        }
        if (SILENCED.contains(host)) {
            WAITING.incrementAndGet();
            try {
                answer.await(2, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                WAITING.decrementAndGet();
            }
        }
        return new InetAddress[] { InetAddress.getLoopbackAddress() };
    }
}
