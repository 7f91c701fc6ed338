/** The batch group: jobs and cronjobs, and what their pod templates share. */
package io.trireme.apiserver.registry.batch;
