/** core/v1 pods and the PodSpec rules workloads share. */
package io.trireme.apiserver.registry.core.pod;
