package dev.daff.incident.changes;

import java.net.InetAddress;
import java.net.UnknownHostException;

import jakarta.enterprise.context.ApplicationScoped;

import dev.daff.localinfra.SilentNameServers;
import io.quarkus.test.Mock;

/** Rollback hook hosts under {@code .dns.test} resolve through {@link SilentNameServers}, which tests silence. */
@Mock
@ApplicationScoped
public class SilentHookNameServer extends HookLookup {

    @Override
    public InetAddress[] addresses(String host) throws UnknownHostException {
        return SilentNameServers.addresses(host, super::addresses);
    }
}
