# One Trireme node. Build the jar first, then the image:
#   mvn -B -pl node -am package -DskipTests
#   docker build -t trireme:dev .
# The base image is made locally when no registry is reachable (see .ci/run and deploy/README.md).
FROM debian:bookworm-slim

# openjdk-17-jre-headless: the node; iproute2 + iputils-arping: the VIP in `ip` mode (ip addr, gratuitous ARP);
# tini: PID 1 that forwards SIGTERM to the JVM and reaps the helpers it starts;
# curl + etcd-client: diagnostics (the status endpoint on :2381, etcdctl against :2379).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      openjdk-17-jre-headless iproute2 iputils-arping tini curl ca-certificates etcd-client \
 && rm -rf /var/lib/apt/lists/*

COPY node/target/trireme.jar /opt/trireme/trireme.jar

# node.yaml is mounted here; the data dir in it should be /var/lib/trireme (a volume).
VOLUME /var/lib/trireme
WORKDIR /var/lib/trireme
ENV ETCDCTL_API=3
# etcd API, Raft, status, apiserver, LB frontend (TCP); VIP adverts (UDP)
EXPOSE 2379 2380 2381 6443 16443 16444/udp

# The JVM flags of bin/trireme: G1 aiming at 20 ms pauses (a pause longer than the Raft election timeout
# would start an election), a bounded heap, exit on OOM so the container restarts instead of limping.
# JAVA_TOOL_OPTIONS adds flags without rebuilding (e.g. -Xmx512m).
# tini runs as PID 1: `docker stop` sends SIGTERM, tini passes it to java, the node's shutdown hook hands the
# VIP over (priority-0 advert) and stops the store; java's exit code becomes the container's.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--", "java", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-Xms256m", "-Xmx1g", \
            "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/trireme/trireme.jar"]
CMD ["node", "--config", "/etc/trireme/node.yaml"]
