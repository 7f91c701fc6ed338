/** The apiserver's single exception family and its translation to Kubernetes {@code Status} objects. */
package io.trireme.apiserver.status;
