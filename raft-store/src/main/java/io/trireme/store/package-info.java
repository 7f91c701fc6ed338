/** The store's public surface: start a member ({@link io.trireme.store.StoreServer}) from a {@link io.trireme.store.StoreConfig}. */
package io.trireme.store;
