package dev.daff.incident.changes;

import java.net.InetAddress;
import java.net.UnknownHostException;

import jakarta.enterprise.context.ApplicationScoped;

import dev.daff.kit.http.OutboundAddresses;

/**
 * Resolves the hosts of services' rollback hooks: the JDK's resolver. A bean so that tests can stand a name server
 * that does not answer at the edge of the world; {@link OutboundAddresses} bounds how long a lookup may take.
 */
@ApplicationScoped
public class HookLookup implements OutboundAddresses.Resolver {

    @Override
    public InetAddress[] addresses(String host) throws UnknownHostException {
        return InetAddress.getAllByName(host);
    }
}
