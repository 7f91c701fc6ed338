/**
 * Container failover drills: three node containers from the root {@code Dockerfile} on a Docker network of their
 * own, with the VIP in {@code ip} mode on {@code eth0}; faults (kill, pause, network cut, graceful stop) and the
 * checkers that judge them (VIP owners sampled on every node, requests through the VIP, acknowledged writes).
 * Everything the drills create is labelled {@value io.trireme.hatest.ContainerCluster#LABEL} and removed by them.
 */
package io.trireme.hatest;
