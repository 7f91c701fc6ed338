/** authentication.k8s.io/v1 SelfSubjectReview ({@code kubectl auth whoami}). */
package io.trireme.apiserver.registry.authentication.selfsubjectreview;
