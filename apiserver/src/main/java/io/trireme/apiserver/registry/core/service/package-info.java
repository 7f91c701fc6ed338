/** core/v1 service. */
package io.trireme.apiserver.registry.core.service;
