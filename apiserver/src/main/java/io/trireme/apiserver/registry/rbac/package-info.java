/** The rbac.authorization.k8s.io group (stored and validated; enforcement comes later). */
package io.trireme.apiserver.registry.rbac;
