/** Authentication: X.509 client certificates and static bearer tokens. */
package io.trireme.apiserver.auth;
