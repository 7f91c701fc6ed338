/**
 * Everything resources share: the {@link io.trireme.apiserver.registry.generic.ResourceStrategy} interface,
 * the etcd-backed {@link io.trireme.apiserver.registry.generic.GenericStore}, selectors, validation, tables.
 */
package io.trireme.apiserver.registry.generic;
