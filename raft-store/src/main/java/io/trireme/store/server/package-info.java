/** The running store member: wiring of Raft, state machine, watches, lease expiry and the gRPC API. */
package io.trireme.store.server;
