/** authorization.k8s.io: the self-access reviews, answered by {@link io.trireme.apiserver.auth.Authorizer}. */
package io.trireme.apiserver.registry.authorization;
