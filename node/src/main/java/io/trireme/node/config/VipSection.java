package io.trireme.node.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * The optional {@code vip:} section: the floating address in front of the cluster's load balancers. Every key is
 * optional except {@code authKey}; absent keys take the defaults below (those of keepalived where one exists).
 *
 * @param address        the VIP; default 127.0.0.100
 * @param mode           {@code loopback} (default: bind the VIP on lo, no privileges) or {@code ip} ({@code ip addr}
 *                       on {@code interface} plus gratuitous ARP; needs NET_ADMIN and NET_RAW)
 * @param iface          the {@code interface} key: network interface for mode {@code ip}
 * @param prefixLength   prefix of the VIP for {@code ip addr add} (mode ip); default 32
 * @param port           UDP port of the adverts, the same on every node: each node sends to the other members'
 *                       hosts on it; default 16444
 * @param vrid           virtual router id 1-255; default 51 (as keepalived's examples)
 * @param priority       1-254; default spaced by the node's position in {@code members}: 250, 150, 50, ...
 * @param advertInterval default 100 ms (a dead owner is replaced after about 3 intervals)
 * @param preempt        a returning higher-priority node takes the VIP back from a healthy owner; default false
 *                       (keepalived's {@code nopreempt}): a take-back moves the VIP once more for nothing, and the
 *                       old owner gives the address up only when it hears the new advert, so for that moment
 *                       both hold it
 * @param authKey        shared secret of the HMAC over every advert, at least 16 bytes, the same on every node
 */
public record VipSection(String address, String mode, @JsonProperty("interface") String iface, Integer prefixLength,
    Integer port, Integer vrid, Integer priority, Duration advertInterval, Boolean preempt, String authKey) {
  public static final String DEFAULT_ADDRESS = "127.0.0.100";
  public static final int DEFAULT_PORT = 16444;

  public VipSection {
    if (mode != null && !mode.equals("loopback") && !mode.equals("ip")) {
      throw new IllegalArgumentException("vip.mode must be loopback or ip, got '" + mode + "'");
    }
    if (authKey == null || authKey.length() < 16) {
      throw new IllegalArgumentException("vip.authKey is required and must have at least 16 characters");
    }
    if (port != null && (port < 1 || port > 65535)) {
      throw new IllegalArgumentException("vip.port must be 1..65535, got " + port);
    }
  }

  /** The embedded default: loopback mode on {@code address} with {@code authKey}. */
  public static VipSection loopback(String address, String authKey) {
    return new VipSection(address, "loopback", null, null, null, null, null, null, null, authKey);
  }

  public String addressOrDefault() {
    return address == null ? DEFAULT_ADDRESS : address;
  }

  public int portOrDefault() {
    return port == null ? DEFAULT_PORT : port;
  }

  public boolean ipMode() {
    return "ip".equals(mode);
  }

  /** Never prints the key. */
  @Override
  public String toString() {
    return "VipSection[address=" + addressOrDefault() + ", mode=" + (mode == null ? "loopback" : mode) + "]";
  }
}
