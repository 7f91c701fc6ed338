package io.trireme.vip.address;

import java.net.InetAddress;

/**
 * Places the virtual address on this node. Calls come from one thread (the agent's address thread), in order.
 */
public interface VipAddress {

    InetAddress address();

    /** Startup checks (privileges, tools, subnet) and cleanup of a stale address; throws with a clear message. */
    void preflight();

    /** Makes this node the owner; throws {@link AddressException} if it cannot (then it holds nothing). */
    void acquire();

    /** Stops owning; never throws (failures are logged). Safe when not held. */
    void release();

    boolean isHeld();
}
