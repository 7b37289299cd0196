package dev.daff.kit.http;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Where daff may send an outgoing request whose URL a user gave (a team's Slack or webhook channel, a service's
 * rollback hook). A URL that reaches into the cluster (the metadata service, a database, the admin port of a sidecar) would let anyone who
 * may define a team probe or poke the inside. So loopback, link-local, private (RFC 1918), CGNAT (100.64/10),
 * unique-local (fc00::/7), unspecified, multicast and reserved addresses, IPv6 forms that embed one of them
 * (mapped, translated, compatible, NAT64, 6to4) and the local-use NAT64 prefix, are refused unless
 * {@code allowedHosts} names the host or the address —
 * checked when the team is stored and again, on the resolved address, before each send. The send then connects
 * through the JVM's resolver cache ({@code networkaddress.cache.ttl}, 30 s by default), so it reaches the address
 * just checked rather than a second, rebound answer. Callers never follow redirects ({@code Redirect.NEVER}), so a
 * public URL cannot bounce inward.
 *
 * <p>A lookup waits at most the caller's deadline ({@link #refusal(String, Duration)}): the JDK's resolver has no
 * timeout of its own, and a name server that does not answer (a zone's DNS down) holds the calling thread for as
 * long as the system's resolver retries, 10–30 s — a page's attempt past its deadline and lease, another replica
 * sending it as well. The lookup goes on in the background and its answer fills the JDK's cache.
 */
public final class OutboundAddresses {

    /** Resolves a host name to its addresses: the JDK's resolver, or in tests one at the edge of the world. */
    @FunctionalInterface
    public interface Resolver {
        Resolver SYSTEM = InetAddress::getAllByName;

        InetAddress[] addresses(String host) throws UnknownHostException;
    }

    /** The host's lookup took longer than the caller could wait. */
    public static final class LookupTimedOut extends RuntimeException {
        LookupTimedOut(String host, Duration within) {
            super("host " + host + " did not resolve within " + within.toMillis() + " ms", null, false, false);
        }
    }

    /** How long {@link #refusal(String)} waits for a lookup. */
    public static final Duration DEFAULT_LOOKUP_DEADLINE = Duration.ofSeconds(5);
    /** How long {@link #refusalToStore} waits for a lookup: a person is waiting for the answer. */
    static final Duration STORE_LOOKUP_DEADLINE = Duration.ofSeconds(2);

    /**
     * Threads that run lookups, made as needed: one left waiting on a silent name server must not hold up a lookup
     * of another host. The JDK makes concurrent lookups of one host wait for the first, so a hanging one holds one
     * thread per host until the system's resolver gives up.
     */
    private static final ExecutorService LOOKUPS = Executors.newCachedThreadPool(new ThreadFactory() {
        private final AtomicInteger made = new AtomicInteger();

        @Override
        public Thread newThread(Runnable runnable) {
            Thread thread = new Thread(runnable, "outbound-lookup-" + made.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    });

    private final Set<String> allowedHosts;
    private final String allowedHostsSetting;
    private final Resolver resolver;

    /** @param allowedHostsSetting the configuration key that lists {@code allowedHosts}, named in refusals */
    public OutboundAddresses(List<String> allowedHosts, String allowedHostsSetting) {
        this(allowedHosts, allowedHostsSetting, Resolver.SYSTEM);
    }

    public OutboundAddresses(List<String> allowedHosts, String allowedHostsSetting, Resolver resolver) {
        this.allowedHostsSetting = allowedHostsSetting;
        this.resolver = resolver;
        this.allowedHosts = allowedHosts.stream().map(host -> host.trim().toLowerCase(Locale.ROOT))
                .filter(host -> !host.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Why a request to {@code url} must not be made, or empty when it may, waiting for the host's lookup at most
     * {@link #DEFAULT_LOOKUP_DEADLINE}.
     *
     * @throws LookupTimedOut when the lookup did not answer in time
     */
    public Optional<String> refusal(String url) {
        return refusal(url, DEFAULT_LOOKUP_DEADLINE);
    }

    /**
     * Why a request to {@code url} must not be made, or empty when it may, waiting for the host's lookup at most
     * {@code within}.
     *
     * @throws LookupTimedOut when the lookup did not answer in time
     */
    public Optional<String> refusal(String url, Duration within) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return Optional.of("is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Optional.of("must be an http(s) URL");
        }
        String host = uri.getHost();
        if (host == null || host.isBlank()) {
            return Optional.of("has no host");
        }
        String bareHost = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (allowedHosts.contains(bareHost.toLowerCase(Locale.ROOT))) {
            return Optional.empty();
        }
        InetAddress[] addresses;
        try {
            addresses = lookUp(bareHost, within);
        } catch (UnknownHostException e) {
            return Optional.of("host " + bareHost + " does not resolve");
        }
        for (InetAddress address : addresses) {
            if (internal(address) && !allowedHosts.contains(address.getHostAddress().toLowerCase(Locale.ROOT))) {
                return Optional.of("points inside the network (" + address.getHostAddress()
                        + "); allow it in " + allowedHostsSetting + " if that is intended");
            }
        }
        return Optional.empty();
    }

    /**
     * Scheme and host only, for anyone who may read where daff posts but not post there: a Teams, Google Chat or
     * Discord webhook's path is its credential (such receivers cannot check a signature), and so is a CI trigger's
     * {@code ?token=} behind a rollback hook. Whoever reads the whole URL can post to it without daff.
     */
    public static String origin(String url) {
        try {
            java.net.URI uri = java.net.URI.create(url);
            return uri.getScheme() + "://" + uri.getRawAuthority().replaceFirst("^.*@", "") + "/…";
        } catch (IllegalArgumentException | NullPointerException e) {
            return "…";
        }
    }

    /**
     * Why {@code url} must not be stored as a destination, or empty when it may. A host whose lookup does not answer
     * within {@link #STORE_LOOKUP_DEADLINE} is stored: every send checks it again as it resolves then, and a rota
     * or catalog change must not wait on a zone's silent name server, which is when people make them.
     */
    public Optional<String> refusalToStore(String url) {
        try {
            return refusal(url, STORE_LOOKUP_DEADLINE);
        } catch (LookupTimedOut e) {
            return Optional.empty();
        }
    }

    private InetAddress[] lookUp(String host, Duration within) throws UnknownHostException {
        Future<InetAddress[]> lookup = LOOKUPS.submit(() -> resolver.addresses(host));
        try {
            return lookup.get(Math.max(within.toMillis(), 1), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | InterruptedException e) {
            lookup.cancel(false); // the lookup itself runs on: its answer fills the JDK's cache
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new LookupTimedOut(host, within);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownHostException unknown) {
                throw unknown;
            }
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    public static boolean internal(InetAddress address) {
        if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = bytes[0] & 0xff;
            int second = bytes[1] & 0xff;
            return (first == 100 && second >= 64 && second <= 127) // CGNAT 100.64.0.0/10
                    || first == 0 || (first == 192 && second == 0 && (bytes[2] & 0xff) == 0) // "this network", IETF
                    || first >= 240; // reserved and the broadcast address
        }
        if (address instanceof Inet6Address) {
            boolean uniqueLocal = (bytes[0] & 0xfe) == 0xfc; // fc00::/7
            // IPv6 forms that carry an IPv4 address and reach it: mapped (::ffff:a.b.c.d), translated
            // (::ffff:0:a.b.c.d), compatible (::a.b.c.d), NAT64 (64:ff9b::/96, which a cluster's NAT64 gateway turns
            // into the IPv4 address) and 6to4 (2002::/16).
            if (isMappedV4(bytes) || isTranslatedV4(bytes) || isCompatibleV4(bytes) || isNat64(bytes)) {
                return internal(v4(bytes, 12));
            }
            // The local-use NAT64 prefix (64:ff9b:1::/48, RFC 8215) is a network's own translator, wherever in the
            // address it puts the IPv4 one: inside by definition.
            if (startsWith(bytes, 0x00, 0x64, 0xff, 0x9b, 0x00, 0x01)) {
                return true;
            }
            if ((bytes[0] & 0xff) == 0x20 && (bytes[1] & 0xff) == 0x02) {
                return internal(v4(bytes, 2));
            }
            return uniqueLocal;
        }
        return true;
    }

    private static InetAddress v4(byte[] bytes, int from) {
        try {
            return InetAddress.getByAddress(new byte[] { bytes[from], bytes[from + 1], bytes[from + 2], bytes[from + 3] });
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }

    private static boolean isCompatibleV4(byte[] bytes) {
        for (int i = 0; i < 12; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true; // ::/96 (:: and ::1 are caught before as unspecified and loopback)
    }

    private static boolean isNat64(byte[] bytes) {
        return startsWith(bytes, 0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    private static boolean isMappedV4(byte[] bytes) {
        return startsWith(bytes, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff);
    }

    private static boolean isTranslatedV4(byte[] bytes) {
        return startsWith(bytes, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0);
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xff) != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
