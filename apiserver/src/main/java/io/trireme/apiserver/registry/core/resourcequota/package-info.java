/** core/v1 ResourceQuotas. */
package io.trireme.apiserver.registry.core.resourcequota;
