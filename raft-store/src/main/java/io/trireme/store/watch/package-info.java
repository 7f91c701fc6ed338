/** Watches: ordered, gap-free, duplicate-free event delivery from any retained revision. */
package io.trireme.store.watch;
