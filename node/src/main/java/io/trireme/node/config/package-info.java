/**
 * {@code node.yaml}: records validated on construction, read once with Jackson; the one place where a
 * node's file becomes each module's own config record.
 */
package io.trireme.node.config;
