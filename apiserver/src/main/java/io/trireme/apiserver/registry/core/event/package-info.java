/** core/v1 event. */
package io.trireme.apiserver.registry.core.event;
