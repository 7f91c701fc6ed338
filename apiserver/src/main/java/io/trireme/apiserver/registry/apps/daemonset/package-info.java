/** apps/v1 DaemonSets. */
package io.trireme.apiserver.registry.apps.daemonset;
