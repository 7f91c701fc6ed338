/**
 * What the apiservers keep up among themselves: each holds a leased key under {@code /registry/masterleases/},
 * and every one reconciles the {@code kubernetes} Service in {@code default} and its Endpoints/EndpointSlice
 * from the live leases (kube-apiserver's lease endpoint reconciler).
 */
package io.trireme.apiserver.controlplane;
