package io.trireme.vip.election;

/** A monotonic time source in nanoseconds; injected so that failover logic is testable without sleeping. */
@FunctionalInterface
public interface Ticker {

    long nanos();

    static Ticker system() {
        return System::nanoTime;
    }
}
