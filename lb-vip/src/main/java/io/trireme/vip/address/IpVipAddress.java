package io.trireme.vip.address;

import io.trireme.vip.address.CommandRunner.Result;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Linux: {@code ip addr add <vip>/<prefix> dev <if>} on acquire, {@code ip addr del} on release, and gratuitous
 * ARP through iputils {@code arping} in both forms — {@code -U} (unsolicited request) and {@code -A} (reply) — as
 * a burst on acquire and then once every {@code garpInterval} while held, so switches and neighbours that missed
 * the burst still learn the new owner. Needs CAP_NET_ADMIN (ip) and CAP_NET_RAW (arping); {@link #preflight}
 * fails with a clear message when either is missing, when a tool is missing, or when the VIP is outside every
 * subnet of the interface. IPv4 only (IPv6 would need unsolicited neighbour advertisements instead of ARP).
 */
public final class IpVipAddress implements VipAddress, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IpVipAddress.class);
    private static final Duration IP_TIMEOUT = Duration.ofSeconds(5);
    private static final int CAP_NET_ADMIN = 12;
    private static final int CAP_NET_RAW = 13;

    private final String node;
    private final Inet4Address vip;
    private final int prefix;
    private final String iface;
    private final FrontendBinding frontend;
    private final CommandRunner runner;
    private final Supplier<String> procSelfStatus;
    private final int garpBurst;
    private final Duration garpInterval;
    private final ScheduledExecutorService garp;
    private final List<Future<?>> announcements = new ArrayList<>();
    private volatile boolean held;
    private boolean loggedGarpFailure;

    /**
     * @param procSelfStatus the text of {@code /proc/self/status} (read on {@link #preflight})
     */
    public IpVipAddress(String node, InetAddress vip, int prefix, String iface, FrontendBinding frontend,
                        CommandRunner runner, Supplier<String> procSelfStatus, int garpBurst, Duration garpInterval) {
        this.node = Objects.requireNonNull(node, "node");
        if (!(vip instanceof Inet4Address v4)) {
            throw new AddressException("ip mode supports IPv4 VIPs only, got " + vip);
        }
        if (prefix < 1 || prefix > 32) {
            throw new AddressException("prefix length must be 1..32: " + prefix);
        }
        if (iface == null || iface.isBlank() || !iface.matches("[A-Za-z0-9_.@:-]{1,15}")) {
            throw new AddressException("not a valid interface name: " + iface);
        }
        if (garpBurst < 1 || garpInterval.isNegative() || garpInterval.isZero()) {
            throw new AddressException("gratuitous ARP burst must be >= 1 and interval positive");
        }
        this.vip = v4;
        this.prefix = prefix;
        this.iface = iface;
        this.frontend = Objects.requireNonNull(frontend, "frontend");
        this.runner = Objects.requireNonNull(runner, "runner");
        this.procSelfStatus = Objects.requireNonNull(procSelfStatus, "procSelfStatus");
        this.garpBurst = garpBurst;
        this.garpInterval = garpInterval;
        this.garp = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vip-garp-" + node);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public InetAddress address() {
        return vip;
    }

    @Override
    public void preflight() {
        checkCapabilities(procSelfStatus.get());
        Result version = runOrExplain(List.of("arping", "-V"), "arping not found: install iputils-arping");
        if (!version.output().contains("iputils")) {
            throw new AddressException("arping is not iputils arping (" + version.output()
                    + "); install iputils-arping");
        }
        Result show = runOrExplain(List.of("ip", "-o", "addr", "show", "dev", iface), "ip not found: install iproute2");
        if (!show.ok()) {
            throw new AddressException("cannot read the addresses of interface " + iface + ": " + show.output());
        }
        List<InterfaceAddress> addresses = InterfaceAddress.parse(show.output());
        boolean inSubnet = false;
        boolean stale = false;
        for (InterfaceAddress a : addresses) {
            inSubnet |= a.contains(vip) && !a.address().equals(vip);
            stale |= a.address().equals(vip);
        }
        if (!inSubnet) {
            throw new AddressException("VIP " + vip.getHostAddress() + " is outside the subnets of " + iface + " "
                    + addresses + "; pick a free address of the interface's network");
        }
        if (stale) {
            LOG.warn("vip[{}] {} is already on {} (left over from a crash?); removing it until elected",
                    node, vip.getHostAddress(), iface);
            delete();
        }
    }

    static void checkCapabilities(String procSelfStatus) {
        long effective = -1;
        for (String line : procSelfStatus.split("\n")) {
            if (line.startsWith("CapEff:")) {
                effective = Long.parseUnsignedLong(line.substring("CapEff:".length()).trim(), 16);
            }
        }
        if (effective == -1) {
            throw new AddressException("cannot read effective capabilities (no CapEff in /proc/self/status)");
        }
        List<String> missing = new ArrayList<>();
        if ((effective & (1L << CAP_NET_ADMIN)) == 0) {
            missing.add("NET_ADMIN (ip addr)");
        }
        if ((effective & (1L << CAP_NET_RAW)) == 0) {
            missing.add("NET_RAW (arping)");
        }
        if (!missing.isEmpty()) {
            throw new AddressException("ip mode needs capabilities " + String.join(" and ", missing)
                    + "; run with --cap-add NET_ADMIN --cap-add NET_RAW, or use mode loopback");
        }
    }

    @Override
    public synchronized void acquire() {
        if (held) {
            return;
        }
        Result add = runOrExplain(List.of("ip", "addr", "add", cidr(), "dev", iface), "ip not found");
        if (!add.ok() && !alreadyAssigned(add.output())) {
            throw new AddressException("ip addr add " + cidr() + " dev " + iface + " failed: " + add.output());
        }
        try {
            frontend.bind(vip);
        } catch (IOException | RuntimeException e) {
            delete();
            throw new AddressException("cannot open the frontend on VIP " + vip.getHostAddress() + ": " + e, e);
        }
        held = true;
        LOG.info("vip[{}] added {} to {}; announcing with gratuitous ARP", node, cidr(), iface);
        announcements.add(garp.submit(() -> announce(garpBurst)));
        long every = garpInterval.toMillis();
        announcements.add(garp.scheduleWithFixedDelay(() -> announce(1), every, every, TimeUnit.MILLISECONDS));
    }

    @Override
    public synchronized void release() {
        if (!held) {
            return;
        }
        held = false;
        announcements.forEach(f -> f.cancel(true));
        announcements.clear();
        try {
            frontend.unbind(vip);
        } catch (RuntimeException e) {
            LOG.warn("vip[{}] closing the frontend on {} failed: {}", node, vip.getHostAddress(), e.toString());
        }
        delete();
        LOG.info("vip[{}] removed {} from {}", node, cidr(), iface);
    }

    @Override
    public boolean isHeld() {
        return held;
    }

    @Override
    public void close() {
        release();
        garp.shutdownNow();
        try {
            if (!garp.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("vip[{}] gratuitous ARP thread did not stop within 5 s", node);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Both forms, {@code count} of each: requests (-U) for hosts that ignore replies, replies (-A) for the rest. */
    List<List<String>> garpCommands(int count) {
        String c = Integer.toString(count);
        return List.of(
                List.of("arping", "-q", "-U", "-c", c, "-I", iface, vip.getHostAddress()),
                List.of("arping", "-q", "-A", "-c", c, "-I", iface, vip.getHostAddress()));
    }

    private void announce(int count) {
        for (List<String> command : garpCommands(count)) {
            if (!held || Thread.currentThread().isInterrupted()) {
                return;
            }
            try {
                Result r = runner.run(command, Duration.ofSeconds(count + 5L));
                // iputils arping exits 1 in -U/-A mode when no reply came back, which is expected
                if (r.exitCode() > 1) {
                    garpFailed(String.join(" ", command) + ": " + r.output());
                }
            } catch (IOException e) {
                garpFailed(e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void garpFailed(String detail) {
        if (!loggedGarpFailure) {
            loggedGarpFailure = true;
            LOG.warn("vip[{}] gratuitous ARP failed: {} (logged once)", node, detail);
        }
    }

    private void delete() {
        try {
            Result del = runner.run(List.of("ip", "addr", "del", cidr(), "dev", iface), IP_TIMEOUT);
            if (!del.ok() && !alreadyGone(del.output())) {
                LOG.error("vip[{}] ip addr del {} dev {} failed: {}", node, cidr(), iface, del.output());
            }
        } catch (IOException e) {
            LOG.error("vip[{}] ip addr del {} dev {} failed: {}", node, cidr(), iface, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.error("vip[{}] interrupted while removing {}", node, cidr());
        }
    }

    /** iproute2 6.x says "Address already assigned", older ones "RTNETLINK answers: File exists". */
    static boolean alreadyAssigned(String ipOutput) {
        return ipOutput.contains("Address already assigned") || ipOutput.contains("File exists");
    }

    /** iproute2 6.x says "Address not found", older ones "Cannot assign requested address". */
    static boolean alreadyGone(String ipOutput) {
        return ipOutput.contains("Address not found") || ipOutput.contains("Cannot assign requested address");
    }

    private Result runOrExplain(List<String> argv, String whenMissing) {
        try {
            return runner.run(argv, IP_TIMEOUT);
        } catch (IOException e) {
            throw new AddressException(whenMissing + " (" + e.getMessage() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AddressException("interrupted running " + String.join(" ", argv), e);
        }
    }

    private String cidr() {
        return vip.getHostAddress() + "/" + prefix;
    }
}
