/** policy/v1 PodDisruptionBudgets. */
package io.trireme.apiserver.registry.policy.poddisruptionbudget;
