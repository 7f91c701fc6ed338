/** Lease timekeeping: deadlines by the local monotonic clock, acted on by the Raft leader only. */
package io.trireme.store.lease;
