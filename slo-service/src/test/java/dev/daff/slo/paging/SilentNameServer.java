package dev.daff.slo.paging;

import java.net.InetAddress;
import java.net.UnknownHostException;

import jakarta.enterprise.context.ApplicationScoped;

import dev.daff.localinfra.SilentNameServers;
import io.quarkus.test.Mock;

/** Teams' channel hosts under {@code .dns.test} resolve through {@link SilentNameServers}, which tests silence. */
@Mock
@ApplicationScoped
public class SilentNameServer extends HostLookup {

    public static void silence(String host) {
        SilentNameServers.silence(host);
    }

    public static void answerAgain() {
        SilentNameServers.answerAgain();
    }

    public static int waiting() {
        return SilentNameServers.waiting();
    }

    @Override
    public InetAddress[] addresses(String host) throws UnknownHostException {
        return SilentNameServers.addresses(host, super::addresses);
    }
}
