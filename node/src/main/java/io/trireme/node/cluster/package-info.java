/** A cluster of node processes on this machine: its directory layout, pid files, starting and stopping. */
package io.trireme.node.cluster;
