package io.trireme.lb;

/** Health of one backend as decided by {@link BackendHealth}. Only {@link #UP} backends get new connections. */
public enum BackendState {
    /** Not checked yet; the first check result decides (UP on success, DOWN on failure). */
    UNKNOWN,
    /** Passed its checks: eligible for new connections. */
    UP,
    /** Failed {@code fall} checks in a row (or its first check): no new connections, open ones were closed. */
    DOWN
}
