/** core/v1 LimitRanges. */
package io.trireme.apiserver.registry.core.limitrange;
