/**
 * The VRRP election as a pure, single-threaded state machine: events in, actions out, time from an injected
 * {@link io.trireme.vip.election.Ticker}. No I/O, no threads.
 */
package io.trireme.vip.election;
