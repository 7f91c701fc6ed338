package io.trireme.vip.address;

import java.io.IOException;
import java.net.InetAddress;

/**
 * What makes the VIP reachable on this node besides the address itself: the load balancer frontend (provided by
 * the node). {@link #bind} opens the frontend on the VIP (for {@code loopback} this <em>is</em> the ownership: a
 * {@link java.net.BindException} means another process already serves the VIP); {@link #unbind} closes it and
 * resets the client connections that came in through it, so clients reconnect to the new owner at once.
 * Implementations must not use {@code SO_REUSEPORT} on the VIP socket, or the kernel cannot refuse a second owner.
 */
public interface FrontendBinding {

    void bind(InetAddress vip) throws IOException;

    void unbind(InetAddress vip);
}
