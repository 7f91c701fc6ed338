/**
 * The floating virtual IP: a VRRP-like election (RFC 5798 semantics) of exactly one healthy owner, and the
 * OS actions that move the address. {@link io.trireme.vip.VipAgent} wires the pieces; {@link
 * io.trireme.vip.VipConfig} is the only configuration it needs. Sub-packages by capability: {@code election}
 * (pure state machine), {@code advert} (wire format, HMAC, replay), {@code transport} (UDP), {@code address}
 * (placing the address: loopback or {@code ip addr} + gratuitous ARP) and {@code health} (what makes a node
 * eligible). This package must not import {@code io.trireme.lb}.
 */
package io.trireme.vip;
