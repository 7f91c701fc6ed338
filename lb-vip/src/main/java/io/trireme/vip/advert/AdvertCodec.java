package io.trireme.vip.advert;

import io.trireme.vip.election.PeerId;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The advertisement wire format, big-endian, authenticated with HMAC-SHA256 over everything before the tag:
 *
 * <pre>
 *  0  magic "TV" (2)        2  version = 2 (1)      3  vrid (1)       4  priority (1)     5  flags (1)
 *  6  advert interval ms (2)                        8  sender port (2)
 * 10  address length 4|16 (1), address
 *     name length 0..64 (1), name (UTF-8)
 *     boot epoch (8), sequence (8), timestamp ms (8)
 *     HMAC-SHA256 (32)
 * </pre>
 *
 * Thread-safe: each thread uses its own {@link Mac}.
 */
public final class AdvertCodec {

    /** 2: flags carry {@link Advert#STANDBY}, {@link Advert#CANDIDATE}, {@link Advert#HEARS_MASTER}. */
    public static final int VERSION = 2;
    public static final int MAX_SIZE = 2 + 1 + 1 + 1 + 1 + 2 + 2 + 1 + 16 + 1 + PeerId.MAX_NAME_BYTES + 24 + 32;
    private static final int MIN_KEY_BYTES = 16;
    private static final int TAG_BYTES = 32;
    private static final byte MAGIC_0 = 'T';
    private static final byte MAGIC_1 = 'V';

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;

    public AdvertCodec(byte[] sharedKey) {
        if (sharedKey == null || sharedKey.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the advert auth key must have at least " + MIN_KEY_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(sharedKey.clone(), "HmacSHA256");
        this.macs = ThreadLocal.withInitial(this::newMac);
        newMac(); // fail at construction, not on the first packet
    }

    public byte[] encode(Advert advert) {
        byte[] address = advert.sender().address().getAddress();
        byte[] name = advert.sender().name().getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(MAX_SIZE);
        buf.put(MAGIC_0).put(MAGIC_1).put((byte) VERSION).put((byte) advert.vrid()).put((byte) advert.priority())
                .put((byte) advert.flags())
                .putShort((short) advert.advertIntervalMillis())
                .putShort((short) advert.sender().port())
                .put((byte) address.length).put(address)
                .put((byte) name.length).put(name)
                .putLong(advert.bootEpoch()).putLong(advert.sequence()).putLong(advert.timestampMillis());
        int bodyLength = buf.position();
        Mac mac = macs.get();
        mac.update(buf.array(), 0, bodyLength);
        buf.put(mac.doFinal());
        return Arrays.copyOf(buf.array(), buf.position());
    }

    /** Checks structure, then the HMAC; never throws on bad input. */
    public Verdict decode(byte[] data, int length) {
        if (length > data.length || length < 2 + 1 + TAG_BYTES) {
            return malformed("datagram of " + length + " bytes is too short");
        }
        ByteBuffer buf = ByteBuffer.wrap(data, 0, length);
        try {
            if (buf.get() != MAGIC_0 || buf.get() != MAGIC_1) {
                return malformed("bad magic");
            }
            int version = Byte.toUnsignedInt(buf.get());
            if (version != VERSION) {
                return malformed("unsupported version " + version);
            }
            int vrid = Byte.toUnsignedInt(buf.get());
            int priority = Byte.toUnsignedInt(buf.get());
            int flags = Byte.toUnsignedInt(buf.get());
            int interval = Short.toUnsignedInt(buf.getShort());
            int port = Short.toUnsignedInt(buf.getShort());
            int addressLength = Byte.toUnsignedInt(buf.get());
            if (addressLength != 4 && addressLength != 16) {
                return malformed("address length " + addressLength);
            }
            byte[] address = new byte[addressLength];
            buf.get(address);
            int nameLength = Byte.toUnsignedInt(buf.get());
            if (nameLength > PeerId.MAX_NAME_BYTES) {
                return malformed("name length " + nameLength);
            }
            byte[] nameBytes = new byte[nameLength];
            buf.get(nameBytes);
            long bootEpoch = buf.getLong();
            long sequence = buf.getLong();
            long timestamp = buf.getLong();
            int bodyLength = buf.position();
            if (length - bodyLength != TAG_BYTES) {
                return malformed("expected a " + TAG_BYTES + "-byte tag, found " + (length - bodyLength) + " bytes");
            }
            Mac mac = macs.get();
            mac.update(data, 0, bodyLength);
            byte[] expected = mac.doFinal();
            byte[] actual = Arrays.copyOfRange(data, bodyLength, length);
            if (!MessageDigest.isEqual(expected, actual)) {
                return new Verdict.Dropped(DropReason.UNAUTHENTICATED, "HMAC mismatch (wrong key or tampered)");
            }
            if (vrid == 0 || interval == 0) {
                return malformed("vrid and advert interval must not be 0");
            }
            String name = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(nameBytes)).toString();
            PeerId sender = new PeerId(InetAddress.getByAddress(address), port, name);
            return new Verdict.Accepted(new Advert(vrid, priority, interval, sender, bootEpoch, sequence, timestamp,
                    flags));
        } catch (BufferUnderflowException e) {
            return malformed("truncated");
        } catch (CharacterCodingException e) {
            return malformed("name is not UTF-8");
        } catch (UnknownHostException | IllegalArgumentException e) {
            return malformed(e.getMessage());
        }
    }

    private static Verdict malformed(String detail) {
        return new Verdict.Dropped(DropReason.MALFORMED, detail);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
