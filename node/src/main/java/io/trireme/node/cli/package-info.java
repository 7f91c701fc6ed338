/** The {@code trireme} subcommands, one class each; they parse options, delegate and print. */
package io.trireme.node.cli;
