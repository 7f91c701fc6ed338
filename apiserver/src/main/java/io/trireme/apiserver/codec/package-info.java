/** Encoding and decoding of request and response bodies. */
package io.trireme.apiserver.codec;
