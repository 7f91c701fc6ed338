package io.trireme.lb;

import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where a backend (or the frontend) listens: a host name or IP literal and a TCP port.
 *
 * @param host host name or IP literal, without brackets
 * @param port TCP port, 1..65535 (0 is accepted only for a listen address, meaning "any free port")
 */
public record BackendAddress(String host, int port) {

    public BackendAddress {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range 0..65535: " + port);
        }
    }

    /** Parses {@code host:port}, {@code a.b.c.d:port} or {@code [v6]:port}. */
    public static BackendAddress parse(String text) {
        Objects.requireNonNull(text, "address");
        String s = text.trim();
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("expected host:port, got '" + text + "'");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("IPv6 addresses need brackets, e.g. [::1]:6443; got '" + text + "'");
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port is not a number in '" + text + "'", e);
        }
        return new BackendAddress(host, port);
    }

    public static BackendAddress of(InetSocketAddress address) {
        return new BackendAddress(address.getHostString(), address.getPort());
    }

    /**
     * A socket address for connecting. IP literals are parsed here (no DNS); names stay unresolved so that the
     * connecting bootstrap resolves them at connect time and follows DNS changes.
     */
    public InetSocketAddress socketAddress() {
        if (NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host)) {
            return new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(host), port);
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
