package io.trireme.vip.election;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Objects;

/**
 * A router taking part in the election: the address and UDP port it advertises from, and a node name for
 * humans. RFC 5798 breaks priority ties by the higher primary address; here the order is address (unsigned
 * bytes, IPv4 before IPv6), then port, so several routers may share one host.
 */
public record PeerId(InetAddress address, int port, String name) implements Comparable<PeerId> {

    public static final int MAX_NAME_BYTES = 64;

    public PeerId {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(name, "name");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("name longer than " + MAX_NAME_BYTES + " bytes: " + name);
        }
    }

    public static PeerId of(InetSocketAddress socket, String name) {
        return new PeerId(socket.getAddress(), socket.getPort(), name);
    }

    @Override
    public int compareTo(PeerId other) {
        byte[] a = address.getAddress();
        byte[] b = other.address.getAddress();
        if (a.length != b.length) {
            return Integer.compare(a.length, b.length);
        }
        int byAddress = Arrays.compareUnsigned(a, b);
        if (byAddress != 0) {
            return byAddress;
        }
        int byPort = Integer.compare(port, other.port);
        return byPort != 0 ? byPort : name.compareTo(other.name);
    }

    @Override
    public String toString() {
        return name + "@" + address.getHostAddress() + ":" + port;
    }
}
