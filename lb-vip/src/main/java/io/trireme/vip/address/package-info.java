/**
 * Placing the virtual address on this node: {@code loopback} (bind on 127.0.0.0/8, no privileges) and
 * {@code ip} (Linux {@code ip addr} plus gratuitous ARP through iputils {@code arping}).
 */
package io.trireme.vip.address;
