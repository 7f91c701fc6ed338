/** core/v1 secrets. */
package io.trireme.apiserver.registry.core.secret;
