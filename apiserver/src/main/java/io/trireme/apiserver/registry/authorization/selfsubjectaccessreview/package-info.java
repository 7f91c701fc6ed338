/** authorization.k8s.io/v1 SelfSubjectAccessReview ({@code kubectl auth can-i}). */
package io.trireme.apiserver.registry.authorization.selfsubjectaccessreview;
