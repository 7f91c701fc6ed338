package io.trireme.vip.address;

/** The address cannot be placed or checked; the message says what to fix. */
public final class AddressException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public AddressException(String message) {
        super(message);
    }

    public AddressException(String message, Throwable cause) {
        super(message, cause);
    }
}
