package io.trireme.lb;

import java.time.Duration;
import java.util.Objects;

/**
 * TCP keep-alive applied to both the client side and the backend side of every proxied connection, so a peer
 * that vanished without a FIN/RST is noticed ({@code idle + interval × probes}) without ever cutting a quiet but
 * live stream (there is deliberately no idle timeout).
 *
 * @param enabled whether {@code SO_KEEPALIVE} is set at all
 * @param idle quiet time before the first probe ({@code TCP_KEEPIDLE})
 * @param interval time between probes ({@code TCP_KEEPINTVL})
 * @param probes unanswered probes before the kernel drops the connection ({@code TCP_KEEPCNT})
 */
public record TcpKeepAlive(boolean enabled, Duration idle, Duration interval, int probes) {

    public static final TcpKeepAlive DEFAULTS =
            new TcpKeepAlive(true, Duration.ofSeconds(30), Duration.ofSeconds(10), 3);

    public TcpKeepAlive {
        Objects.requireNonNull(idle, "idle");
        Objects.requireNonNull(interval, "interval");
        if (idle.toSeconds() < 1 || interval.toSeconds() < 1 || probes < 1) {
            throw new IllegalArgumentException("keep-alive idle and interval must be >= 1 s and probes >= 1");
        }
    }
}
