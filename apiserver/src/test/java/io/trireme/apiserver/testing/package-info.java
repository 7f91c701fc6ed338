/** Test fixtures: a real etcd process and an apiserver over it. */
package io.trireme.apiserver.testing;
