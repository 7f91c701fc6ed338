package io.trireme.lb;

/** The one exception type this package throws for run-time failures (bind errors, bad certificate files). */
public final class LoadBalancerException extends RuntimeException {
    public LoadBalancerException(String message, Throwable cause) {
        super(message, cause);
    }
}
