/** The coordination.k8s.io group. */
package io.trireme.apiserver.registry.coordination;
