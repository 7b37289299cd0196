package dev.daff.kit.http;

/**
 * What a reader is told of an outgoing request that failed on the network: a category, never the exception's text or
 * class, which may quote a URL, a token or the inside of the network (and means nothing to an on-call engineer).
 */
public final class NetworkFailures {

    private NetworkFailures() {
    }

    /** "timeout", "connection refused", "host not found", "TLS failure" or "connection failed"; null for none of them. */
    public static String category(Throwable e) {
        if (e instanceof java.net.http.HttpTimeoutException || e instanceof java.util.concurrent.TimeoutException
                || e instanceof java.net.SocketTimeoutException || e instanceof OutboundAddresses.LookupTimedOut) {
            return "timeout";
        }
        if (e instanceof java.net.ConnectException) {
            return "connection refused";
        }
        if (e instanceof java.nio.channels.UnresolvedAddressException || e instanceof java.net.UnknownHostException) {
            return "host not found";
        }
        if (e instanceof javax.net.ssl.SSLException) {
            return "TLS failure";
        }
        if (e instanceof java.io.IOException) {
            return "connection failed";
        }
        return null;
    }
}
