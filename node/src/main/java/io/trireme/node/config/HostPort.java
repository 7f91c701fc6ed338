package io.trireme.node.config;

import java.net.InetSocketAddress;
import java.util.Objects;

/** A host (name or IP literal) and a TCP port, written {@code host:port} ({@code [v6]:port} for IPv6). */
public record HostPort(String host, int port) {

  public HostPort {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) throw new IllegalArgumentException("empty host");
    if (port < 1 || port > 65535) throw new IllegalArgumentException("port " + port + " is not in 1..65535");
  }

  /** Parses {@code host:port} or {@code [v6]:port}. */
  public static HostPort parse(String text) {
    if (text == null) throw new IllegalArgumentException("expected host:port, got nothing");
    String s = text.trim();
    int colon = s.lastIndexOf(':');
    if (colon <= 0 || colon == s.length() - 1) {
      throw new IllegalArgumentException("expected host:port, got '" + text + "'");
    }
    String host = s.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
    else if (host.contains(":")) throw new IllegalArgumentException("write IPv6 hosts as [addr]:port, got '" + text + "'");
    int port;
    try {
      port = Integer.parseInt(s.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad port in '" + text + "'");
    }
    return new HostPort(host, port);
  }

  public InetSocketAddress toSocketAddress() {
    return new InetSocketAddress(host, port);
  }

  public static HostPort of(InetSocketAddress address) {
    return new HostPort(address.getHostString(), address.getPort());
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
