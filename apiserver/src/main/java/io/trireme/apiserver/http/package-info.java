/** The HTTPS edge: Netty pipeline, authentication, routing, content negotiation, Status translation. */
package io.trireme.apiserver.http;
