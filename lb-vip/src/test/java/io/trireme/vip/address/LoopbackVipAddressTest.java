package io.trireme.vip.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoopbackVipAddressTest {

    private static final InetAddress VIP = loopback();
    private ServerSocketChannel foreign;

    private static InetAddress loopback() {
        try {
            return InetAddress.getByName("127.0.0.100");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Binds the VIP on a fixed port, like the LB frontend does. */
    private static final class PortFrontend implements FrontendBinding {
        final int port;
        ServerSocketChannel server;

        PortFrontend(int port) {
            this.port = port;
        }

        @Override
        public void bind(InetAddress vip) throws IOException {
            ServerSocketChannel ch = ServerSocketChannel.open();
            try {
                ch.bind(new InetSocketAddress(vip, port));
            } catch (IOException e) {
                ch.close();
                throw e;
            }
            server = ch;
        }

        @Override
        public void unbind(InetAddress vip) {
            try {
                server.close();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @AfterEach
    void closeForeign() throws IOException {
        if (foreign != null) {
            foreign.close();
        }
    }

    private int freePort() throws IOException {
        try (ServerSocketChannel ch = ServerSocketChannel.open()) {
            ch.bind(new InetSocketAddress(VIP, 0));
            return ((InetSocketAddress) ch.getLocalAddress()).getPort();
        }
    }

    @Test
    void acquireRelease_bindsAndUnbindsTheFrontend() throws Exception {
        PortFrontend frontend = new PortFrontend(freePort());
        LoopbackVipAddress a = new LoopbackVipAddress("n1", VIP, frontend);
        a.preflight();
        a.acquire();
        assertThat(a.isHeld()).isTrue();
        assertThat(frontend.server.isOpen()).isTrue();
        a.release();
        assertThat(a.isHeld()).isFalse();
        assertThat(frontend.server.isOpen()).isFalse();
    }

    @Test
    void acquire_vipServedByAnotherProcess_refusesToBeASecondOwner() throws Exception {
        int port = freePort();
        foreign = ServerSocketChannel.open();
        foreign.bind(new InetSocketAddress(VIP, port));
        LoopbackVipAddress a = new LoopbackVipAddress("n1", VIP, new PortFrontend(port));
        assertThatThrownBy(a::acquire).isInstanceOf(AddressException.class)
                .hasMessageContaining("already served by another process");
        assertThat(a.isHeld()).isFalse();
    }

    @Test
    void twoNodes_sameVip_onlyOneCanHoldIt() throws Exception {
        int port = freePort();
        LoopbackVipAddress one = new LoopbackVipAddress("n1", VIP, new PortFrontend(port));
        LoopbackVipAddress two = new LoopbackVipAddress("n2", VIP, new PortFrontend(port));
        one.acquire();
        assertThatThrownBy(two::acquire).isInstanceOf(AddressException.class);
        one.release();
        two.acquire();
        assertThat(two.isHeld()).isTrue();
        two.release();
    }

    @Test
    void constructor_nonLoopbackVip_isRejected() throws Exception {
        InetAddress notLoopback = InetAddress.getByName("10.1.2.3");
        assertThatThrownBy(() -> new LoopbackVipAddress("n1", notLoopback, new PortFrontend(1)))
                .hasMessageContaining("127.0.0.0/8");
    }
}
