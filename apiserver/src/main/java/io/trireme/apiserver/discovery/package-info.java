/** API discovery documents (legacy and aggregated) generated from the registry. */
package io.trireme.apiserver.discovery;
