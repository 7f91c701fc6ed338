/** The cluster CA abstraction and certificate issuing (BouncyCastle). */
package io.trireme.apiserver.pki;
