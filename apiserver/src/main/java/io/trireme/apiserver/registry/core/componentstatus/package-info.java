/** core/v1 ComponentStatuses: read-only, computed from the live health of the store members and the control-plane components. */
package io.trireme.apiserver.registry.core.componentstatus;
