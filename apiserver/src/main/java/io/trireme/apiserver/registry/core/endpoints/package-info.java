/** core/v1 endpoints. */
package io.trireme.apiserver.registry.core.endpoints;
