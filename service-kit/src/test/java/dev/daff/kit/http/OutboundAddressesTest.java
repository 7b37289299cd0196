package dev.daff.kit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class OutboundAddressesTest {

    final OutboundAddresses guard = new OutboundAddresses(List.of(), "daff.paging.allowed-hosts");

    @Test
    void addressesInsideTheNetworkAreRefused() {
        for (String url : List.of("http://127.0.0.1:8080/x", "http://localhost/x", "http://10.1.2.3/x",
                "http://172.16.0.1/x", "http://192.168.1.1/x", "http://169.254.169.254/latest/meta-data",
                "http://100.64.0.1/x", "http://[::1]/x", "http://[fd00::1]/x", "http://[fe80::1]/x",
                "http://0.0.0.0/x", "http://[::ffff:10.0.0.1]/x")) {
            assertTrue(guard.refusal(url).isPresent(), url + " should be refused");
        }
    }

    @Test
    void ipv6FormsThatCarryAnInternalIpv4AddressAreRefused() {
        // NAT64 (64:ff9b::/96), 6to4 (2002::/16) and IPv4-compatible (::a.b.c.d) forms of 10.0.0.1, 127.0.0.1 and the
        // metadata address; reserved IPv4 and the broadcast address.
        for (String url : List.of("http://[64:ff9b::a00:1]/x", "http://[64:ff9b::a9fe:a9fe]/latest/meta-data",
                "http://[2002:a00:1::]/x", "http://[2002:7f00:1::1]/x", "http://[::10.0.0.1]/x", "http://[::7f00:1]/x",
                "http://240.0.0.1/x", "http://255.255.255.255/x",
                // the local-use NAT64 prefix (64:ff9b:1::/48, a network's own translator) and IPv4-translated
                // (::ffff:0:a.b.c.d) forms
                "http://[64:ff9b:1::a00:1]/x", "http://[64:ff9b:1:5db8:d7:e00::]/x", "http://[::ffff:0:a00:1]/x",
                "http://[::ffff:0:7f00:1]/x")) {
            assertTrue(guard.refusal(url).isPresent(), url + " should be refused");
        }
        assertEquals(Optional.empty(), guard.refusal("http://[64:ff9b::5db8:d70e]/x"), "NAT64 of a public address");
        assertEquals(Optional.empty(), guard.refusal("http://[2002:5db8:d70e::1]/x"), "6to4 of a public address");
        assertEquals(Optional.empty(), guard.refusal("http://[::ffff:0:5db8:d70e]/x"), "IPv4-translated public address");
    }

    @Test
    void publicAddressesAndAllowedHostsPass() {
        assertEquals(Optional.empty(), guard.refusal("https://93.184.215.14/hooks/page"));
        assertEquals(Optional.empty(), guard.refusal("http://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/x"));
        OutboundAddresses local = new OutboundAddresses(List.of("localhost", "10.1.2.3"), "daff.paging.allowed-hosts");
        assertEquals(Optional.empty(), local.refusal("http://localhost:9000/x"));
        assertEquals(Optional.empty(), local.refusal("http://10.1.2.3/x"));
        assertTrue(local.refusal("http://10.1.2.4/x").isPresent());
    }

    @Test
    void otherSchemesAndUnresolvableHostsAreRefused() {
        assertTrue(guard.refusal("file:///etc/passwd").isPresent());
        assertTrue(guard.refusal("gopher://93.184.215.14/").isPresent());
        assertTrue(guard.refusal("http://no-such-host.invalid/x").isPresent());
    }

    @Test
    void aLookupThatDoesNotAnswerEndsAtTheCallersDeadline() throws Exception {
        // A name server that does not answer: the JDK's own lookup would hold the caller until the system's resolver
        // gave up (10-30 s), a page's attempt past its deadline.
        CountDownLatch answers = new CountDownLatch(1);
        CountDownLatch asked = new CountDownLatch(2);
        OutboundAddresses silentDns = new OutboundAddresses(List.of(), "daff.paging.allowed-hosts", host -> {
            asked.countDown();
            try {
                answers.await(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.net.UnknownHostException(host);
            }
            return new InetAddress[] { InetAddress.getByName("93.184.215.14") };
        });
        try {
            OutboundAddresses.LookupTimedOut timedOut = assertThrows(OutboundAddresses.LookupTimedOut.class,
                    () -> silentDns.refusal("https://hooks.example.test/page", Duration.ofMillis(200)));
            assertEquals("host hooks.example.test did not resolve within 200 ms", timedOut.getMessage());
        } finally {
            answers.countDown();
        }
        assertEquals(Optional.empty(), silentDns.refusal("https://hooks.example.test/page", Duration.ofSeconds(30)),
                "once the name server answers, the host is checked as usual");
        assertTrue(asked.await(0, TimeUnit.SECONDS), "each call looked the host up");
    }

    @Test
    void aResolverThatFailsIsAnUnresolvedHost() {
        OutboundAddresses failing = new OutboundAddresses(List.of(), "daff.paging.allowed-hosts", host -> {
            throw new java.net.UnknownHostException(host);
        });
        assertEquals(Optional.of("host hooks.example.test does not resolve"),
                failing.refusal("https://hooks.example.test/page"));
    }
}
