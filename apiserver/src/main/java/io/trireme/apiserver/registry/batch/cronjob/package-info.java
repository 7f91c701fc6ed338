/** batch/v1 CronJobs and their schedule syntax. */
package io.trireme.apiserver.registry.batch.cronjob;
