/** core/v1 serviceaccounts. */
package io.trireme.apiserver.registry.core.serviceaccount;
