package dev.daff.slo.paging;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.test.Mock;

/**
 * The name server at the edge of the world, for hosts under {@code .dns.test}: each resolves to the loopback address,
 * or, while {@link #silence silenced}, does not answer until {@link #answerAgain}, as a zone's DNS that is down. Every
 * other host is resolved as usual.
 */
@Mock
@ApplicationScoped
public class SilentNameServer extends HostLookup {

    private static final Set<String> SILENCED = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger WAITING = new AtomicInteger();
    private static volatile CountDownLatch answer = new CountDownLatch(0);

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

    @Override
    public InetAddress[] addresses(String host) throws UnknownHostException {
        if (!host.endsWith(".dns.test")) {
            return super.addresses(host);
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
