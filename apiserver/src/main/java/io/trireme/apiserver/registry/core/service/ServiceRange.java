package io.trireme.apiserver.registry.core.service;

import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** An IPv4 service CIDR (default 10.96.0.0/12): which addresses may be ClusterIPs, and picking a free one. */
public record ServiceRange(long base, int prefix) {
  public static final ServiceRange DEFAULT = parse("10.96.0.0/12");

  public ServiceRange {
    if (prefix < 1 || prefix > 30) {
      throw new IllegalArgumentException("service range prefix must be /1../30, not /" + prefix);
    }
    long mask = (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
    if ((base & ~mask & 0xFFFFFFFFL) != 0) {
      throw new IllegalArgumentException("service range " + text(base) + "/" + prefix + " has host bits set");
    }
  }

  public static ServiceRange parse(String cidr) {
    int slash = cidr.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("not a CIDR: " + cidr);
    }
    Long base = address(cidr.substring(0, slash).trim());
    if (base == null) {
      throw new IllegalArgumentException("not an IPv4 CIDR: " + cidr);
    }
    return new ServiceRange(base, Integer.parseInt(cidr.substring(slash + 1).trim()));
  }

  /** The first usable address: the ClusterIP of the {@code kubernetes} Service. */
  public String first() {
    return text(base + 1);
  }

  private long size() {
    return 1L << (32 - prefix);
  }

  /** Why {@code ip} cannot be allocated from this range, or null when it can. */
  String check(String ip) {
    Long a = address(ip);
    if (a == null) {
      return "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";
    }
    if (a <= base || a >= base + size() - 1) {
      return "the provided IP (" + ip + ") is not in the valid range. The range of valid IPs is " + this;
    }
    return null;
  }

  /** A random free address; {@code used} holds keys {@code <prefix><ip>}. */
  String pick(Set<String> used, String keyPrefix) {
    long usable = size() - 2;
    long start = ThreadLocalRandom.current().nextLong(usable);
    for (long i = 0; i < usable; i++) {
      String ip = text(base + 1 + (start + i) % usable);
      if (!used.contains(keyPrefix + ip)) {
        return ip;
      }
    }
    throw io.trireme.apiserver.status.ApiException.internal("the service IP range " + this + " is full");
  }

  static Long address(String ip) {
    String[] parts = ip.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    long out = 0;
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
        return null;
      }
      int v = Integer.parseInt(p);
      if (v > 255) {
        return null;
      }
      out = out << 8 | v;
    }
    return out;
  }

  static String text(long a) {
    return ((a >> 24) & 255) + "." + ((a >> 16) & 255) + "." + ((a >> 8) & 255) + "." + (a & 255);
  }

  @Override
  public String toString() {
    return text(base) + "/" + prefix;
  }
}
