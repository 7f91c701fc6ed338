/** /healthz, /livez and /readyz with per-check detail. */
package io.trireme.apiserver.health;
