/** batch/v1 Jobs. */
package io.trireme.apiserver.registry.batch.job;
