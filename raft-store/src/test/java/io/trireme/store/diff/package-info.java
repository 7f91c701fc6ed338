/**
 * Differential tests: the same etcd v3 requests against a real etcd and against Trireme, responses
 * compared after normalising what legitimately differs (member ids, terms).
 */
package io.trireme.store.diff;
