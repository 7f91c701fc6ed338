package io.trireme.store.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.trireme.store.StoreConfig;
import io.trireme.store.StoreMember;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.junit.jupiter.api.Test;

class RaftMemberTest {

  private static StoreConfig config() {
    List<StoreMember> members = List.of(
        new StoreMember("m1", new InetSocketAddress("127.0.0.1", 1), new InetSocketAddress("127.0.0.1", 2)));
    return StoreConfig.defaults("m1", Path.of("unused"), members);
  }

  @Test
  void appenderRetryPolicy_parsedByRatis_retriesAnUnreachableFollowerWithinTheElectionTimeout() {
    StoreConfig c = config();
    String policy = RaftServerConfigKeys.Log.Appender.retryPolicy(RaftMember.serverProperties(c));
    RetryPolicy parsed = RetryPolicy.parse(policy, RaftServerConfigKeys.Log.Appender.RETRY_POLICY_KEY);

    for (int failures : new int[] {1, 30, 1_000, 100_000}) {
      RetryPolicy.Action action = parsed.handleAttemptFailure(() -> failures);
      assertThat(action.shouldRetry()).as("after %d failures", failures).isTrue();
      // Ratis randomises the sleep to 0.5-1.5x; 1.5x half the minimum timeout stays below that timeout
      assertThat(action.getSleepTime().toLong(java.util.concurrent.TimeUnit.MILLISECONDS))
          .as("sleep after %d failures", failures)
          .isLessThan(c.electionTimeoutMin().toMillis());
    }
  }
}
