/** The advertisement wire format: encoding, HMAC-SHA256 authentication and replay protection. */
package io.trireme.vip.advert;
