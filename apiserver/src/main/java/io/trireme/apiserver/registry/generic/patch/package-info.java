/** JSON patch, JSON merge patch and Kubernetes strategic merge patch over Jackson trees. */
package io.trireme.apiserver.registry.generic.patch;
