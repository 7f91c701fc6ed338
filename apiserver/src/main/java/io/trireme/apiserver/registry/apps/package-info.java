/** The apps group: workloads with a pod template. */
package io.trireme.apiserver.registry.apps;
