package io.trireme.vip.address;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default ({@code bin/trireme up}, VIP 127.0.0.100). On Linux the whole of 127.0.0.0/8 is already
 * routed to {@code lo}, so there is no address to add: owning the VIP means being the one process whose frontend
 * is bound to {@code vip:port}. {@link #acquire} calls {@link FrontendBinding#bind}; the kernel refuses a second
 * listener on the same address and port, which this class reports as "held by another process" — so there are
 * never two owners even if the election misbehaves. {@link #preflight} checks that the VIP is a loopback address
 * that this host can bind (macOS, for one, only routes 127.0.0.1 unless told otherwise).
 */
public final class LoopbackVipAddress implements VipAddress {

    private static final Logger LOG = LoggerFactory.getLogger(LoopbackVipAddress.class);

    private final String node;
    private final InetAddress vip;
    private final FrontendBinding frontend;
    private volatile boolean held;

    public LoopbackVipAddress(String node, InetAddress vip, FrontendBinding frontend) {
        this.node = Objects.requireNonNull(node, "node");
        this.vip = Objects.requireNonNull(vip, "vip");
        this.frontend = Objects.requireNonNull(frontend, "frontend");
        if (!vip.isLoopbackAddress()) {
            throw new AddressException("loopback mode needs a VIP in 127.0.0.0/8 (or ::1), got " + vip.getHostAddress());
        }
    }

    @Override
    public InetAddress address() {
        return vip;
    }

    @Override
    public void preflight() {
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.bind(new InetSocketAddress(vip, 0));
        } catch (IOException e) {
            throw new AddressException("cannot bind the loopback VIP " + vip.getHostAddress() + " on this host ("
                    + e.getMessage() + "); on Linux all of 127.0.0.0/8 works, elsewhere add it to lo first", e);
        }
    }

    @Override
    public void acquire() {
        if (held) {
            return;
        }
        try {
            frontend.bind(vip);
        } catch (BindException e) {
            throw new AddressException("VIP " + vip.getHostAddress() + " is already served by another process ("
                    + e.getMessage() + "); refusing to become a second owner", e);
        } catch (IOException | RuntimeException e) {
            throw new AddressException("cannot open the frontend on VIP " + vip.getHostAddress() + ": " + e, e);
        }
        held = true;
        LOG.info("vip[{}] now serving the loopback VIP {}", node, vip.getHostAddress());
    }

    @Override
    public void release() {
        if (!held) {
            return;
        }
        held = false;
        try {
            frontend.unbind(vip);
        } catch (RuntimeException e) {
            LOG.warn("vip[{}] closing the frontend on {} failed: {}", node, vip.getHostAddress(), e.toString());
        }
        LOG.info("vip[{}] no longer serving the loopback VIP {}", node, vip.getHostAddress());
    }

    @Override
    public boolean isHeld() {
        return held;
    }
}
