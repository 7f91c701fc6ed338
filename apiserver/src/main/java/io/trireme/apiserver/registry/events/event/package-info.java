/** events.k8s.io/v1 Events, stored as core/v1 Events in /registry/events. */
package io.trireme.apiserver.registry.events.event;
