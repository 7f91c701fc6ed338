/** RoleBindings and ClusterRoleBindings: roleRef and subjects. */
package io.trireme.apiserver.registry.rbac.binding;
