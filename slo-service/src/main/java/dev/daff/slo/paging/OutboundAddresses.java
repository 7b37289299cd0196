package dev.daff.slo.paging;

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
 * Where a team's Slack or webhook channel may point. A page carries an SLO's state and a signature; a URL that
 * reaches into the cluster (the metadata service, a database, the admin port of a sidecar) would let anyone who
 * may define a team probe or poke the inside. So loopback, link-local, private (RFC 1918), CGNAT (100.64/10),
 * unique-local (fc00::/7), unspecified and multicast addresses are refused unless {@code allowedHosts} names the
 * host or the address — checked when the team is stored and again, on the resolved address, before each send.
 * Redirects are never followed (the JDK client's default), so a public URL cannot bounce inward.
 */
public final class OutboundAddresses {

    private final Set<String> allowedHosts;

    public OutboundAddresses(List<String> allowedHosts) {
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
                        + "); allow it in daff.paging.allowed-hosts if that is intended");
            }
        }
        return Optional.empty();
    }

    static boolean internal(InetAddress address) {
        if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = bytes[0] & 0xff;
            int second = bytes[1] & 0xff;
            return (first == 100 && second >= 64 && second <= 127) // CGNAT 100.64.0.0/10
                    || first == 0 || (first == 192 && second == 0 && (bytes[2] & 0xff) == 0); // "this network", IETF
        }
        if (address instanceof Inet6Address) {
            boolean uniqueLocal = (bytes[0] & 0xfe) == 0xfc; // fc00::/7
            boolean mappedV4 = isMappedV4(bytes);
            if (mappedV4) {
                try {
                    return internal(InetAddress.getByAddress(new byte[] { bytes[12], bytes[13], bytes[14], bytes[15] }));
                } catch (UnknownHostException e) {
                    return true;
                }
            }
            return uniqueLocal;
        }
        return true;
    }

    private static boolean isMappedV4(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return (bytes[10] & 0xff) == 0xff && (bytes[11] & 0xff) == 0xff;
    }
}
