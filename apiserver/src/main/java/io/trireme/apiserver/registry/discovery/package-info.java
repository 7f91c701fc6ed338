/** The discovery.k8s.io group: EndpointSlices. */
package io.trireme.apiserver.registry.discovery;
