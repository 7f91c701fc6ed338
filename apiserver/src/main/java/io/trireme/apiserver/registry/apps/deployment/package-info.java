/** apps/v1 deployments. */
package io.trireme.apiserver.registry.apps.deployment;
