/** Roles and ClusterRoles: policy rules. */
package io.trireme.apiserver.registry.rbac.role;
