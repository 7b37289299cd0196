package dev.daff.slo.paging;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A receiver that answers "200 OK" with its headers at once, then stalls before the body until released: what a
 * proxy or a receiver stuck mid-answer does. A plain socket server, so nothing buffers the headers.
 */
final class StallingReceiver implements AutoCloseable {

    private final ServerSocket server;
    private final List<Instant> arrivals = new CopyOnWriteArrayList<>();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final CountDownLatch released = new CountDownLatch(1);
    /** While set, every request is answered 503 at once, and not recorded: a receiver down before it hangs. */
    private volatile boolean refusing;

    private StallingReceiver(ServerSocket server) {
        this.server = server;
    }

    static StallingReceiver start() {
        try {
            StallingReceiver receiver = new StallingReceiver(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
            Thread acceptor = new Thread(receiver::accept, "stalling-receiver");
            acceptor.setDaemon(true);
            acceptor.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url(String path) {
        return "http://localhost:" + server.getLocalPort() + path;
    }

    /** When each request had arrived in full (its headers answered, its body stalled). */
    List<Instant> arrivals() {
        return List.copyOf(arrivals);
    }

    /** From now on, answer 503 at once ({@code true}) or stall as usual. */
    void refusing(boolean refuse) {
        refusing = refuse;
    }

    /** The body of each request, in the order they arrived. */
    List<String> bodies() {
        return List.copyOf(bodies);
    }

    /** From now on, stalled and new answers finish at once. */
    void release() {
        released.countDown();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.add(socket);
                Thread handler = new Thread(() -> answer(socket), "stalling-receiver-connection");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void answer(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                int length = readHeaders(in);
                if (length < 0) {
                    return;
                }
                String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                if (refusing) {
                    out.write("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    continue;
                }
                synchronized (this) { // arrivals and bodies in the same order
                    bodies.add(body);
                    arrivals.add(Instant.now());
                }
                out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                released.await(120, TimeUnit.SECONDS);
                out.write("{\"status\":\"ok\"}".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException e) {
            // the client gave up: that is the point
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads a request's head; answers its Content-Length (0 without one), or -1 at the end of the stream. */
    private static int readHeaders(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int contentLength = 0;
        int b;
        while ((b = in.read()) >= 0) {
            if (b != '\n') {
                line.write(b);
                continue;
            }
            String header = line.toString(StandardCharsets.US_ASCII).strip();
            line.reset();
            if (header.isEmpty()) {
                return contentLength;
            }
            if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                contentLength = Integer.parseInt(header.substring("content-length:".length()).strip());
            }
        }
        return -1; // the stream ended before the request did
    }

    @Override
    public void close() {
        release();
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        connections.forEach(socket -> {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        });
    }
}
