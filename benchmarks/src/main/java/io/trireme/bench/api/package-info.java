/**
 * The apiserver benchmark: {@link io.trireme.bench.api.ApiBench} drives one apiserver over HTTPS (mutations and
 * GETs at a fixed open-loop rate, LIST of many pods, watch delivery to many watchers);
 * {@link io.trireme.bench.api.EtcdApiServer} runs the same apiserver over a real etcd cluster as the anchor.
 */
package io.trireme.bench.api;
