package io.trireme.vip.transport;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plain {@link DatagramChannel} transport: a dedicated blocking receive thread and a dedicated send thread
 * behind a small bounded queue, so the election thread never waits on the network. Unicast sends each advert to
 * every configured peer (works on Docker bridges and in clouds); multicast sends once to a group joined on one
 * interface (TTL 1, no loopback of our own adverts).
 */
public final class DatagramTransport implements AdvertTransport {

    private static final Logger LOG = LoggerFactory.getLogger(DatagramTransport.class);
    private static final int MAX_DATAGRAM = 2048;
    private static final int SEND_QUEUE = 64;

    private interface Opener {
        DatagramChannel open() throws IOException;
    }

    private final String node;
    private final Opener opener;
    private final List<InetSocketAddress> targets;
    private final Counter sent;
    private final Counter sendFailures;
    private volatile DatagramChannel channel;
    private Thread receiveThread;
    private ThreadPoolExecutor sender;
    private volatile boolean closing;
    private boolean loggedSendFailure;

    private DatagramTransport(String node, Opener opener, List<InetSocketAddress> targets, MeterRegistry registry) {
        this.node = node;
        this.opener = opener;
        this.targets = List.copyOf(targets);
        this.sent = Counter.builder("trireme.vip.adverts.sent").description("advert datagrams sent")
                .register(registry);
        this.sendFailures = Counter.builder("trireme.vip.adverts.send.failures")
                .description("advert datagrams not sent (queue full or socket error)").register(registry);
    }

    /** Unicast: bind {@code bind}, send every advert to each of {@code peers}. */
    public static DatagramTransport unicast(String node, InetSocketAddress bind, List<InetSocketAddress> peers,
                                            MeterRegistry registry) {
        Objects.requireNonNull(bind, "bind");
        if (peers.isEmpty()) {
            throw new IllegalArgumentException("unicast needs at least one peer");
        }
        return new DatagramTransport(node, () -> {
            DatagramChannel ch = DatagramChannel.open(family(bind.getAddress()));
            ch.bind(bind);
            return ch;
        }, peers, registry);
    }

    /** Multicast: join {@code group} on {@code iface}, send every advert to the group. */
    public static DatagramTransport multicast(String node, InetSocketAddress group, String iface,
                                              MeterRegistry registry) {
        if (!group.getAddress().isMulticastAddress()) {
            throw new IllegalArgumentException("not a multicast group: " + group);
        }
        return new DatagramTransport(node, () -> {
            NetworkInterface ni = NetworkInterface.getByName(iface);
            if (ni == null) {
                throw new IOException("no network interface named " + iface);
            }
            if (!ni.supportsMulticast()) {
                throw new IOException("interface " + iface + " does not support multicast");
            }
            DatagramChannel ch = DatagramChannel.open(family(group.getAddress()));
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(new InetSocketAddress(group.getPort()));
            ch.setOption(StandardSocketOptions.IP_MULTICAST_IF, ni);
            ch.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 1);
            ch.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, false);
            ch.join(group.getAddress(), ni);
            return ch;
        }, List.of(group), registry);
    }

    private static ProtocolFamily family(InetAddress address) {
        return address.getAddress().length == 4 ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
    }

    @Override
    public synchronized void start(Receiver receiver) throws IOException {
        if (channel != null) {
            throw new IllegalStateException("already started");
        }
        channel = opener.open();
        sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(SEND_QUEUE),
                r -> daemon(r, "vip-send-" + node), new ThreadPoolExecutor.AbortPolicy());
        receiveThread = daemon(() -> receiveLoop(receiver), "vip-receive-" + node);
        receiveThread.start();
        LOG.info("vip[{}] advert transport on {} -> {}", node, channel.getLocalAddress(), targets);
    }

    private void receiveLoop(Receiver receiver) {
        ByteBuffer buf = ByteBuffer.allocate(MAX_DATAGRAM);
        while (!closing) {
            try {
                buf.clear();
                InetSocketAddress source = (InetSocketAddress) channel.receive(buf);
                if (source != null) {
                    receiver.onDatagram(buf.array(), buf.position(), source);
                }
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (!closing) {
                    LOG.warn("vip[{}] receive failed: {}", node, e.toString());
                }
            }
        }
    }

    @Override
    public void send(byte[] datagram) {
        ThreadPoolExecutor s = sender;
        if (s == null || closing) {
            return;
        }
        try {
            s.execute(() -> sendNow(datagram));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            sendFailures.increment();
        }
    }

    private void sendNow(byte[] datagram) {
        for (InetSocketAddress target : targets) {
            try {
                channel.send(ByteBuffer.wrap(datagram), target);
                sent.increment();
            } catch (IOException e) {
                sendFailures.increment();
                if (!loggedSendFailure) {
                    loggedSendFailure = true;
                    LOG.warn("vip[{}] cannot send adverts to {}: {} (further failures are only counted)",
                            node, target, e.toString());
                }
            }
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        try {
            return channel == null ? null : (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public synchronized void close() {
        if (channel == null || closing) {
            return;
        }
        if (sender != null) {
            sender.shutdown();
            try {
                sender.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closing = true;
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("vip[{}] closing advert channel", node, e);
        }
        try {
            receiveThread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
