/** apps/v1 StatefulSets. */
package io.trireme.apiserver.registry.apps.statefulset;
