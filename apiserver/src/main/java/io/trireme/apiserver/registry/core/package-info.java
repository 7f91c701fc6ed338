/** The core (legacy, group "") resources; one package per resource. */
package io.trireme.apiserver.registry.core;
