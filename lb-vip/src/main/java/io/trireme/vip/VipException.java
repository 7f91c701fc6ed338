package io.trireme.vip;

/** The VIP agent cannot start or run as configured; the message says what to fix. */
public final class VipException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public VipException(String message, Throwable cause) {
        super(message, cause);
    }
}
