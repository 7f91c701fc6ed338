/** The events.k8s.io group: the newer view of core Events (same storage). */
package io.trireme.apiserver.registry.events;
