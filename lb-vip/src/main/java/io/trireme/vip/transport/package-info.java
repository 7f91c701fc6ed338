/** Moving advertisement datagrams: UDP unicast to configured peers (default) or multicast. */
package io.trireme.vip.transport;
