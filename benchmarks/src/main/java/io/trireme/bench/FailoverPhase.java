package io.trireme.bench;

import io.etcd.jetcd.api.Member;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader failover. Each trial: find the leader (Maintenance.Status on every endpoint; the endpoint
 * whose {@code header.member_id} equals the agreed {@code leader}), run the kill command for it, then
 * send a put every {@value #ATTEMPT_INTERVAL_MS} ms round-robin to the <i>other</i> endpoints (each
 * with a {@value #ATTEMPT_DEADLINE_MS} ms deadline) until one succeeds. <b>Recovery = completion of the
 * first successful put − return of the kill command.</b> Then the restart command runs and the trial
 * waits until the restarted member serves that put's key at its revision (a serializable read on it)
 * and reports a leader, which is the rejoin time; the next trial starts once all members agree on a
 * leader again. Alongside the puts, Status is asked of the other members; <b>new-leader</b> is the time
 * until one of them first reports a leader other than the killed one.
 */
final class FailoverPhase {
  private static final Logger LOG = LoggerFactory.getLogger(FailoverPhase.class);
  static final long ATTEMPT_INTERVAL_MS = 10;
  static final long ATTEMPT_DEADLINE_MS = 3_000;
  private static final Duration RECOVERY_LIMIT = Duration.ofSeconds(30);
  private static final Duration STABLE_LIMIT = Duration.ofSeconds(60);
  private static final Duration REJOIN_LIMIT = Duration.ofSeconds(120);
  private static final Duration COMMAND_LIMIT = Duration.ofSeconds(60);

  private final EtcdChannels channels;
  private final ScheduledExecutorService timer;
  private final BenchOptions options;

  FailoverPhase(EtcdChannels channels, ScheduledExecutorService timer, BenchOptions options) {
    this.channels = channels;
    this.timer = timer;
    this.options = options;
  }

  List<Metric> run() throws InterruptedException, IOException {
    MemberCommand kill = new MemberCommand(options.killCmd());
    MemberCommand restart = new MemberCommand(options.restartCmd());
    List<Metric> metrics = new ArrayList<>();
    int failed;
    try {
      failed = trials(kill, restart, metrics);
    } catch (IllegalStateException e) {
      int done = (int) metrics.stream().filter(m -> m.name().equals("rejoin")).count();
      failed = trialsWithoutPut + options.trials() - done;
      LOG.error("failover: {}; {} of {} trials not completed", e.getMessage(), options.trials() - done,
          options.trials());
    }
    metrics.add(new Metric("failover", "failed-trials", failed, "count", Metric.Better.LOWER));
    return metrics;
  }

  /** Runs the trials, adding to {@code metrics} as it goes; returns how many found no put in time. */
  private int trials(MemberCommand kill, MemberCommand restart, List<Metric> metrics)
      throws InterruptedException, IOException {
    for (int trial = 1; trial <= options.trials(); trial++) {
      MemberCommand.Member leader = awaitStableLeader();
      LOG.info("failover trial {}: killing leader {} ({}, id {})", trial, leader.name(), leader.endpoint(),
          Long.toHexString(leader.id()));
      kill.run(leader, options.cmdLog(), COMMAND_LIMIT);
      long killed = System.nanoTime();
      String key = "/bench/failover/" + options.run() + "/" + trial;
      Latencies attempts = new Latencies();
      CompletableFuture<Long> newLeader = newLeaderSeen(leader);
      Recovery first = firstPutAfter(leader.index() - 1, key, attempts);
      try {
        long seen = newLeader.get(5, TimeUnit.SECONDS);
        double ms = (seen - killed) / 1e6;
        metrics.add(new Metric("failover", "new-leader", ms, "ms", Metric.Better.LOWER));
        LOG.info("failover trial {}: a new leader reported after {} ms", trial, String.format("%.0f", ms));
      } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
        LOG.warn("failover trial {}: no member reported a new leader", trial);
      } finally {
        newLeader.cancel(false);
      }
      if (first == null) {
        trialsWithoutPut++;
        LOG.warn("failover trial {}: no put succeeded within {}; failed attempts: {}", trial, RECOVERY_LIMIT,
            attempts.errorSummary());
      } else {
        double ms = (first.atNanos() - killed) / 1e6;
        metrics.add(new Metric("failover", "put-after-kill", ms, "ms", Metric.Better.LOWER));
        LOG.info("failover trial {}: first put after {} ms (failed attempts before: {})", trial,
            String.format("%.0f", ms), first.failedAttempts() == 0 ? "none" : attempts.errorSummary());
      }
      channels.resetConnectBackoff();
      restart.run(leader, options.cmdLog(), COMMAND_LIMIT);
      long restarted = System.nanoTime();
      long revision = first == null ? 0 : first.response().getHeader().getRevision();
      awaitRejoined(leader, key, revision);
      double rejoinMs = (System.nanoTime() - restarted) / 1e6;
      metrics.add(new Metric("failover", "rejoin", rejoinMs, "ms", Metric.Better.LOWER));
      LOG.info("failover trial {}: {} rejoined {} ms after its restart command", trial, leader.name(),
          String.format("%.0f", rejoinMs));
    }
    return trialsWithoutPut;
  }

  private int trialsWithoutPut;

  /**
   * Completes with the time a remaining member first reports a leader other than {@code old} (Status
   * every {@value #ATTEMPT_INTERVAL_MS} ms, round-robin over the remaining endpoints, for at most the
   * recovery limit).
   */
  private CompletableFuture<Long> newLeaderSeen(MemberCommand.Member old) {
    List<Integer> others = new ArrayList<>();
    for (int i = 0; i < channels.size(); i++) {
      if (i != old.index() - 1) {
        others.add(i);
      }
    }
    CompletableFuture<Long> seen = new CompletableFuture<>();
    AtomicLong probe = new AtomicLong();
    long maxProbes = RECOVERY_LIMIT.toMillis() / ATTEMPT_INTERVAL_MS;
    ScheduledFuture<?> probes = timer.scheduleAtFixedRate(() -> {
      long n = probe.getAndIncrement();
      if (seen.isDone() || n >= maxProbes) {
        return;
      }
      channels.maintenanceAsync(others.get((int) (n % others.size())))
          .withDeadlineAfter(ATTEMPT_DEADLINE_MS, TimeUnit.MILLISECONDS)
          .status(StatusRequest.getDefaultInstance(), new StreamObserver<>() {
            @Override
            public void onNext(StatusResponse s) {
              if (s.getLeader() != 0 && s.getLeader() != old.id()) {
                seen.complete(System.nanoTime());
              }
            }

            @Override
            public void onError(Throwable t) {
              LOG.debug("status probe failed: {}", t.toString());
            }

            @Override
            public void onCompleted() {
            }
          });
    }, 0, ATTEMPT_INTERVAL_MS, TimeUnit.MILLISECONDS);
    seen.whenComplete((t, e) -> probes.cancel(false));
    return seen;
  }

  /** The first successful put after the kill, when it completed, and how many attempts failed before. */
  private record Recovery(PutResponse response, long atNanos, long failedAttempts) {
  }

  /** Sends puts to the endpoints other than {@code killedIndex} until one succeeds; null on timeout. */
  private Recovery firstPutAfter(int killedIndex, String key, Latencies attemptErrors)
      throws InterruptedException {
    List<Integer> others = new ArrayList<>();
    for (int i = 0; i < channels.size(); i++) {
      if (i != killedIndex) {
        others.add(i);
      }
    }
    CompletableFuture<Recovery> first = new CompletableFuture<>();
    AtomicLong attempt = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    long maxAttempts = RECOVERY_LIMIT.toMillis() / ATTEMPT_INTERVAL_MS;
    PutRequest request = PutRequest.newBuilder().setKey(PutLoad.key(key))
        .setValue(PutLoad.randomValue(options.valueSize(), 3)).build();
    ScheduledFuture<?> attempts = timer.scheduleAtFixedRate(() -> {
      long n = attempt.getAndIncrement();
      if (first.isDone() || n >= maxAttempts) {
        return;
      }
      channels.kv(others.get((int) (n % others.size())))
          .withDeadlineAfter(ATTEMPT_DEADLINE_MS, TimeUnit.MILLISECONDS)
          .put(request, new StreamObserver<>() {
            @Override
            public void onNext(PutResponse response) {
              first.complete(new Recovery(response, System.nanoTime(), failures.get()));
            }

            @Override
            public void onError(Throwable t) {
              failures.incrementAndGet();
              attemptErrors.recordError(t);
              LOG.debug("failover put attempt failed: {}", t.toString());
            }

            @Override
            public void onCompleted() {
            }
          });
    }, 0, ATTEMPT_INTERVAL_MS, TimeUnit.MILLISECONDS);
    try {
      return first.get(RECOVERY_LIMIT.toMillis() + ATTEMPT_DEADLINE_MS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return null;
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } finally {
      attempts.cancel(false);
    }
  }

  /** Waits until every endpoint answers Status and all agree on one leader; returns that leader. */
  MemberCommand.Member awaitStableLeader() throws InterruptedException {
    long until = System.nanoTime() + STABLE_LIMIT.toNanos();
    String last = "no answer yet";
    while (System.nanoTime() < until) {
      List<StatusResponse> statuses = new ArrayList<>();
      try {
        for (int i = 0; i < channels.size(); i++) {
          statuses.add(channels.maintenance(i).withDeadlineAfter(1, TimeUnit.SECONDS)
              .status(StatusRequest.getDefaultInstance()));
        }
        long leader = statuses.get(0).getLeader();
        boolean agreed = leader != 0 && statuses.stream().allMatch(s -> s.getLeader() == leader);
        for (int i = 0; agreed && i < statuses.size(); i++) {
          if (statuses.get(i).getHeader().getMemberId() == leader) {
            return new MemberCommand.Member(memberName(leader, i), leader, channels.endpoint(i), i + 1);
          }
        }
        last = "leaders reported: " + statuses.stream().map(s -> Long.toHexString(s.getLeader())).toList();
      } catch (StatusRuntimeException e) {
        last = "endpoint " + channels.endpoint(statuses.size()) + ": " + e.getStatus();
      }
      TimeUnit.MILLISECONDS.sleep(50); // poll interval of the condition above
    }
    throw new IllegalStateException("no stable leader within " + STABLE_LIMIT + " (" + last + ")");
  }

  private String memberName(long id, int index) {
    try {
      for (Member m : channels.cluster(index).withDeadlineAfter(2, TimeUnit.SECONDS)
          .memberList(MemberListRequest.getDefaultInstance()).getMembersList()) {
        if (m.getID() == id && !m.getName().isEmpty()) {
          return m.getName();
        }
      }
    } catch (StatusRuntimeException e) {
      LOG.warn("MemberList on {} failed ({}); naming the leader by its index", channels.endpoint(index),
          e.getStatus());
    }
    return "member" + (index + 1);
  }

  /** Waits until the restarted member reports a leader and serves {@code key} at {@code revision}. */
  private void awaitRejoined(MemberCommand.Member member, String key, long revision)
      throws InterruptedException {
    int index = member.index() - 1;
    long until = System.nanoTime() + REJOIN_LIMIT.toNanos();
    String last = "no answer yet";
    while (System.nanoTime() < until) {
      try {
        StatusResponse status = channels.maintenance(index).withDeadlineAfter(1, TimeUnit.SECONDS)
            .status(StatusRequest.getDefaultInstance());
        RangeResponse range = channels.kvBlocking(index).withDeadlineAfter(1, TimeUnit.SECONDS)
            .range(RangeRequest.newBuilder().setKey(PutLoad.key(key)).setSerializable(true).build());
        boolean caughtUp = revision == 0 ? range.getHeader().getRevision() > 0
            : range.getKvsCount() == 1 && range.getKvs(0).getModRevision() >= revision;
        if (status.getLeader() != 0 && caughtUp) {
          return;
        }
        last = "leader " + Long.toHexString(status.getLeader()) + ", revision "
            + range.getHeader().getRevision();
      } catch (StatusRuntimeException e) {
        last = e.getStatus().toString();
      }
      channels.resetConnectBackoff();
      TimeUnit.MILLISECONDS.sleep(100); // poll interval of the condition above
    }
    throw new IllegalStateException(member.name() + " did not rejoin within " + REJOIN_LIMIT + " ("
        + last + ")");
  }
}
