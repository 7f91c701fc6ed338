package io.trireme.vip;

import io.trireme.vip.address.FrontendBinding;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * A real frontend for tests: listens on {@code vip:port} and answers every connection with the node's name, so a
 * client of the VIP can tell who owns it. Stands in for the load balancer frontend, which lb-vip's vip package
 * must not import.
 */
final class ServingFrontend implements FrontendBinding {

    private final String name;
    private final int port;
    private volatile ServerSocketChannel server;

    ServingFrontend(String name, int port) {
        this.name = name;
        this.port = port;
    }

    @Override
    public synchronized void bind(InetAddress vip) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            ch.bind(new InetSocketAddress(vip, port));
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        server = ch;
        Thread acceptor = new Thread(() -> serve(ch), "frontend-" + name);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void serve(ServerSocketChannel ch) {
        byte[] reply = (name + "\n").getBytes(StandardCharsets.UTF_8);
        while (ch.isOpen()) {
            try (SocketChannel client = ch.accept()) {
                client.write(ByteBuffer.wrap(reply));
            } catch (IOException e) {
                return; // closed by unbind
            }
        }
    }

    @Override
    public synchronized void unbind(InetAddress vip) {
        ServerSocketChannel ch = server;
        server = null;
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    boolean bound() {
        return server != null;
    }

    /** Connects to the VIP and returns the name of the node that answered, or null if nobody serves it. */
    static String whoServes(InetAddress vip, int port) {
        try (SocketChannel ch = SocketChannel.open(new InetSocketAddress(vip, port))) {
            ByteBuffer buf = ByteBuffer.allocate(128);
            while (ch.read(buf) >= 0 && buf.position() < buf.capacity()) {
                if (buf.position() > 0 && buf.get(buf.position() - 1) == '\n') {
                    break;
                }
            }
            return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return null;
        }
    }
}
