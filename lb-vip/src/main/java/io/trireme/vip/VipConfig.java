package io.trireme.vip;

import io.trireme.vip.election.ElectionSettings;
import io.trireme.vip.election.PeerId;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything the VIP agent needs, validated at construction. Build it with {@link #builder()} (defaults
 * below); the node parses its YAML into this once.
 *
 * @param nodeName       shown in logs, adverts and as the VIP owner
 * @param vrid           virtual router id 1–255, the same on every node of one cluster (default 51)
 * @param priority       1–254; give nodes distinct priorities so elections need no tie-break (default 100)
 * @param advertInterval default 100 ms → a dead master is replaced after ≈ 3 × 100 + skew ≈ 360 ms
 * @param preempt        a higher-priority node takes the VIP back from a lower one (default true)
 * @param preemptDelay   ...but only after seeing the lower-priority master this long (default 0)
 * @param hysteresis     after health returns, wait this long before being eligible again (default 2 s)
 * @param transport      {@code UNICAST} to {@code peers} (default) or {@code MULTICAST} to {@code multicastGroup}
 * @param bind           local address and UDP port for adverts; its address is this node's identity (and breaks
 *                       ties), so it must be a concrete address, not the wildcard
 * @param peers          the other nodes' advert addresses (unicast)
 * @param multicastGroup group address and port (multicast only), joined on {@code iface}
 * @param authKey        shared secret for the HMAC, at least 16 bytes
 * @param mode           {@code LOOPBACK} (bind the VIP on lo, embedded default) or {@code IP} (ip addr + ARP)
 * @param vip            the virtual address (default 127.0.0.100)
 * @param prefixLength   prefix for {@code ip addr add} (IP mode, default 32)
 * @param iface          network interface (IP mode and multicast)
 * @param garpBurst      gratuitous ARPs of each form sent on takeover (IP mode, default 3)
 * @param garpInterval   period of re-announcements while holding the VIP (IP mode, default 3 s)
 * @param replayWindow   adverts whose timestamp is further than this from our clock are dropped (default 30 s)
 */
public record VipConfig(String nodeName, int vrid, int priority, Duration advertInterval, boolean preempt,
                        Duration preemptDelay, Duration hysteresis, Transport transport, InetSocketAddress bind,
                        List<InetSocketAddress> peers, InetSocketAddress multicastGroup, String authKey, Mode mode,
                        InetAddress vip, int prefixLength, String iface, int garpBurst, Duration garpInterval,
                        Duration replayWindow) {

    /** Suggested UDP port for adverts (next to the LB frontend's 16443); {@code bind} has no default. */
    public static final int DEFAULT_ADVERT_PORT = 16444;

    /** How adverts travel. */
    public enum Transport { UNICAST, MULTICAST }

    /** How the address is placed. */
    public enum Mode { LOOPBACK, IP }

    public VipConfig {
        require(nodeName != null && !nodeName.isBlank(), "nodeName must be set");
        require(nodeName.getBytes(StandardCharsets.UTF_8).length <= PeerId.MAX_NAME_BYTES,
                "nodeName longer than " + PeerId.MAX_NAME_BYTES + " bytes");
        require(vrid >= 1 && vrid <= 255, "vrid must be 1..255, got " + vrid);
        require(transport != null && mode != null, "transport and mode must be set");
        require(authKey != null && authKey.getBytes(StandardCharsets.UTF_8).length >= 16,
                "authKey must have at least 16 bytes");
        require(bind != null && bind.getAddress() != null && !bind.isUnresolved(), "bind must be a resolved address");
        require(!bind.getAddress().isAnyLocalAddress(),
                "bind must be a concrete address (it identifies this node in adverts), not " + bind);
        require(vip != null, "vip must be set");
        require(replayWindow != null && replayWindow.compareTo(Duration.ofSeconds(1)) >= 0,
                "replayWindow must be at least 1 s");
        peers = List.copyOf(peers == null ? List.of() : peers);
        switch (transport) {
            case UNICAST -> {
                require(bind.getPort() > 0, "bind needs a port for unicast adverts");
                require(!peers.isEmpty(), "unicast needs at least one peer");
                require(!peers.contains(bind), "peers must not contain this node's own bind address " + bind);
            }
            case MULTICAST -> {
                require(multicastGroup != null && multicastGroup.getAddress() != null
                        && multicastGroup.getAddress().isMulticastAddress() && multicastGroup.getPort() > 0,
                        "multicast needs multicastGroup = a multicast address with a port");
                require(iface != null && !iface.isBlank(), "multicast needs iface");
            }
        }
        switch (mode) {
            case LOOPBACK -> require(vip.isLoopbackAddress(),
                    "mode loopback needs a VIP in 127.0.0.0/8, got " + vip.getHostAddress());
            case IP -> {
                require(vip.getAddress().length == 4, "mode ip supports IPv4 VIPs only, got " + vip.getHostAddress());
                require(!vip.isLoopbackAddress(), "mode ip needs a VIP on a real interface; use mode loopback for "
                        + vip.getHostAddress());
                require(iface != null && !iface.isBlank(), "mode ip needs iface");
                require(prefixLength >= 1 && prefixLength <= 32, "prefixLength must be 1..32, got " + prefixLength);
                require(garpBurst >= 1 && garpBurst <= 20, "garpBurst must be 1..20, got " + garpBurst);
                require(garpInterval != null && garpInterval.toMillis() >= 100, "garpInterval must be >= 100 ms");
            }
        }
        try {
            electionSettings(priority, advertInterval, preempt, preemptDelay, hysteresis);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("invalid VIP config: " + e.getMessage(), e);
        }
    }

    /** Unicast knows the group (itself and its peers), which turns the quorum fencing on; multicast does not. */
    public ElectionSettings electionSettings() {
        return new ElectionSettings(priority, advertInterval, preempt, preemptDelay, hysteresis,
                transport == Transport.UNICAST ? peers.size() + 1 : 0);
    }

    private static ElectionSettings electionSettings(int priority, Duration advertInterval, boolean preempt,
                                                     Duration preemptDelay, Duration hysteresis) {
        return new ElectionSettings(priority, advertInterval, preempt, preemptDelay, hysteresis);
    }

    /** This node as it appears in adverts. */
    public PeerId self() {
        return PeerId.of(bind, nodeName);
    }

    public byte[] authKeyBytes() {
        return authKey.getBytes(StandardCharsets.UTF_8);
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "VipConfig[node=" + nodeName + ", vrid=" + vrid + ", priority=" + priority + ", advert="
                + advertInterval.toMillis() + "ms, preempt=" + preempt + ", preemptDelay=" + preemptDelay
                + ", hysteresis=" + hysteresis + ", " + transport + " " + bind + " -> "
                + (transport == Transport.UNICAST ? peers : multicastGroup) + ", mode=" + mode + ", vip="
                + vip.getHostAddress() + (mode == Mode.IP ? "/" + prefixLength + " dev " + iface : "") + "]";
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("invalid VIP config: " + message);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults as documented on the record. */
    public static final class Builder {
        private String nodeName;
        private int vrid = 51;
        private int priority = 100;
        private Duration advertInterval = Duration.ofMillis(100);
        private boolean preempt = true;
        private Duration preemptDelay = Duration.ZERO;
        private Duration hysteresis = Duration.ofSeconds(2);
        private Transport transport = Transport.UNICAST;
        private InetSocketAddress bind;
        private final List<InetSocketAddress> peers = new ArrayList<>();
        private InetSocketAddress multicastGroup;
        private String authKey;
        private Mode mode = Mode.LOOPBACK;
        private InetAddress vip = defaultVip();
        private int prefixLength = 32;
        private String iface;
        private int garpBurst = 3;
        private Duration garpInterval = Duration.ofSeconds(3);
        private Duration replayWindow = Duration.ofSeconds(30);

        private Builder() {
        }

        private static InetAddress defaultVip() {
            try {
                return InetAddress.getByAddress(new byte[] {127, 0, 0, 100});
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }

        public Builder nodeName(String v) { nodeName = v; return this; }
        public Builder vrid(int v) { vrid = v; return this; }
        public Builder priority(int v) { priority = v; return this; }
        public Builder advertInterval(Duration v) { advertInterval = v; return this; }
        public Builder preempt(boolean v) { preempt = v; return this; }
        public Builder preemptDelay(Duration v) { preemptDelay = v; return this; }
        public Builder hysteresis(Duration v) { hysteresis = v; return this; }
        public Builder transport(Transport v) { transport = v; return this; }
        public Builder bind(InetSocketAddress v) { bind = v; return this; }
        public Builder peer(InetSocketAddress v) { peers.add(Objects.requireNonNull(v)); return this; }
        public Builder peers(List<InetSocketAddress> v) { peers.clear(); peers.addAll(v); return this; }
        public Builder multicastGroup(InetSocketAddress v) { multicastGroup = v; return this; }
        public Builder authKey(String v) { authKey = v; return this; }
        public Builder mode(Mode v) { mode = v; return this; }
        public Builder vip(InetAddress v) { vip = v; return this; }
        public Builder prefixLength(int v) { prefixLength = v; return this; }
        public Builder iface(String v) { iface = v; return this; }
        public Builder garpBurst(int v) { garpBurst = v; return this; }
        public Builder garpInterval(Duration v) { garpInterval = v; return this; }
        public Builder replayWindow(Duration v) { replayWindow = v; return this; }

        public VipConfig build() {
            return new VipConfig(nodeName, vrid, priority, advertInterval, preempt, preemptDelay, hysteresis,
                    transport, bind, peers, multicastGroup, authKey, mode, vip, prefixLength, iface, garpBurst,
                    garpInterval, replayWindow);
        }
    }
}
