/** API type schemas from the Kubernetes protobuf descriptors: unknown-field pruning and OpenAPI. */
package io.trireme.apiserver.schema;
