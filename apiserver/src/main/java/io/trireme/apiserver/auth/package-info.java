/** Authentication (X.509 client certificates and static bearer tokens) and the authorization policy. */
package io.trireme.apiserver.auth;
