/** authorization.k8s.io/v1 SelfSubjectRulesReview ({@code kubectl auth can-i --list}). */
package io.trireme.apiserver.registry.authorization.selfsubjectrulesreview;
