/** Ratis integration: the replicated state machine, command encoding and this member's Raft server. */
package io.trireme.store.raft;
