package dev.daff.kit.http;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
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
 */
public final class OutboundAddresses {

    private final Set<String> allowedHosts;
    private final String allowedHostsSetting;

    /** @param allowedHostsSetting the configuration key that lists {@code allowedHosts}, named in refusals */
    public OutboundAddresses(List<String> allowedHosts, String allowedHostsSetting) {
        this.allowedHostsSetting = allowedHostsSetting;
        this.allowedHosts = allowedHosts.stream().map(host -> host.trim().toLowerCase(Locale.ROOT))
                .filter(host -> !host.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    /** Why a request to {@code url} must not be made, or empty when it may. */
    public Optional<String> refusal(String url) {
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
            addresses = InetAddress.getAllByName(bareHost);
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
