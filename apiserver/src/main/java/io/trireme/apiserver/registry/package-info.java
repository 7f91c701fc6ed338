/** The served resources: generic machinery in {@code generic}, one package per resource under its group. */
package io.trireme.apiserver.registry;
