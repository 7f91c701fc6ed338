/** One node running in this process: its components, started in order and stopped in reverse. */
package io.trireme.node.runtime;
