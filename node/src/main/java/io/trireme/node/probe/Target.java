package io.trireme.node.probe;

import io.trireme.node.config.HostPort;

/**
 * A member to probe: its name and id as configured or as reported by {@code MemberList} (id 0 and name
 * "?" when unknown), and its etcd client address.
 */
public record Target(String name, long id, HostPort clientAddress) {}
