/** core/v1 configmaps. */
package io.trireme.apiserver.registry.core.configmap;
