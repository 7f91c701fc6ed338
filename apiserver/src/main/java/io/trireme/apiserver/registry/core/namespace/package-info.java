/** core/v1 namespaces. */
package io.trireme.apiserver.registry.core.namespace;
