/** The policy group: PodDisruptionBudgets. */
package io.trireme.apiserver.registry.policy;
