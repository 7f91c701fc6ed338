/**
 * The Trireme node: {@code main}, the CLI, configuration, and the wiring that starts and stops one node's
 * components in order. Business logic lives in the other modules; this module only connects them.
 */
package io.trireme.node;
