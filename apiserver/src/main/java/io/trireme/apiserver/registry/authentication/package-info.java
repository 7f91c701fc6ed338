/** authentication.k8s.io: reviews about the requesting identity. */
package io.trireme.apiserver.registry.authentication;
