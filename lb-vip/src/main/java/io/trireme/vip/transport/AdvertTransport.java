package io.trireme.vip.transport;

import java.io.IOException;
import java.net.InetSocketAddress;

/** Sends advert datagrams to the other routers and hands received ones to a {@link Receiver}. */
public interface AdvertTransport extends AutoCloseable {

    /** Called on the transport's own receive thread; must not block for long. */
    @FunctionalInterface
    interface Receiver {
        void onDatagram(byte[] data, int length, InetSocketAddress source);
    }

    /** Binds and starts the receive thread. */
    void start(Receiver receiver) throws IOException;

    /** Queues one datagram for every peer; never blocks the caller (drops and counts when the queue is full). */
    void send(byte[] datagram);

    InetSocketAddress localAddress();

    /** Sends what is queued (bounded wait), then stops. */
    @Override
    void close();
}
