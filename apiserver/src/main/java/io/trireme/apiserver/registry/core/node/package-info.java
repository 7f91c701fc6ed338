/** core/v1 nodes. */
package io.trireme.apiserver.registry.core.node;
