package io.trireme.lb;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test backend on 127.0.0.1 (blocking sockets, a thread per connection): greets every connection with its name
 * and a newline, then echoes. It can stop listening while keeping its open connections (a dead listener the LB
 * must notice by itself), listen again on the same port, or die entirely.
 */
final class TagServer implements AutoCloseable {

    final String name;
    final int port;
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private volatile ServerSocket server;

    private volatile Thread acceptor;

    TagServer(String name) throws IOException {
        this.name = name;
        this.server = bind(0);
        this.port = server.getLocalPort();
        startAccepting(server);
    }

    BackendAddress address() {
        return new BackendAddress("127.0.0.1", port);
    }

    private static ServerSocket bind(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        return s;
    }

    private void startAccepting(ServerSocket s) {
        Thread t = new Thread(() -> {
            while (!s.isClosed()) {
                try {
                    Socket c = s.accept();
                    connections.add(c);
                    Thread h = new Thread(() -> serve(c), name + "-conn");
                    h.setDaemon(true);
                    h.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, name + "-accept");
        t.setDaemon(true);
        t.start();
        acceptor = t;
    }

    private void serve(Socket c) {
        try (c; InputStream in = c.getInputStream(); OutputStream out = c.getOutputStream()) {
            out.write((name + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // the peer went away; nothing to do
        } finally {
            connections.remove(c);
        }
    }

    /** Connections this server still holds open. */
    int openConnections() {
        return (int) connections.stream().filter(s -> !s.isClosed()).count();
    }

    /**
     * Closes the listening socket only; established connections stay open. Returns once the accepting thread has
     * left accept(): until then the kernel still holds the listener (the blocked call keeps a reference to it), and
     * a connection arriving in that window was accepted and served (seen once in CI: a client read "b" after b had
     * "stopped listening").
     */
    void stopListening() throws IOException {
        server.close();
        try {
            acceptor.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the listener closed", e);
        }
    }

    /** Listens again on the same port. */
    void listenAgain() throws IOException {
        server = bind(port);
        startAccepting(server);
    }

    /** Closes the listener and every connection (a killed backend). */
    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : connections) {
            s.close();
        }
    }
}
