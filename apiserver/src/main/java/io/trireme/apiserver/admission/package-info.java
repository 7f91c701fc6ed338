/** Admission steps run by the generic store before writes. */
package io.trireme.apiserver.admission;
