package io.trireme.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.trireme.node.config.HostPort;
import io.trireme.node.config.MemberEntry;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddressCheckTest {
  @Test
  void unavailable_reportsAPortSomeoneListensOn() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", 0));
      int busy = taken.getLocalPort();
      int free;
      try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
        free = probe.getLocalPort();
      }
      MemberEntry m = new MemberEntry("node1", new HostPort("127.0.0.1", free), new HostPort("127.0.0.1", busy));

      List<String> problems = AddressCheck.unavailable(List.of(m));

      assertThat(problems).hasSize(1);
      assertThat(problems.get(0)).startsWith("node1 127.0.0.1:" + busy + ": ");
    }
  }
}
