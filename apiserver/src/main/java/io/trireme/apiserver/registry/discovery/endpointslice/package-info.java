/** discovery.k8s.io/v1 EndpointSlices. */
package io.trireme.apiserver.registry.discovery.endpointslice;
