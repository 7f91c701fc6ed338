package io.trireme.vip.address;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** One IPv4 address of an interface with its prefix, parsed from {@code ip -o addr show dev <if>}. */
record InterfaceAddress(Inet4Address address, int prefix) {

    /** Reads the {@code inet a.b.c.d/n} entries; other families and unparsable lines are skipped. */
    static List<InterfaceAddress> parse(String ipOutput) {
        List<InterfaceAddress> out = new ArrayList<>();
        for (String line : ipOutput.split("\n")) {
            String[] tokens = line.trim().split("\\s+");
            for (int i = 0; i + 1 < tokens.length; i++) {
                if (!tokens[i].equals("inet")) {
                    continue;
                }
                String[] parts = tokens[i + 1].split("/");
                try {
                    int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : 32;
                    if (parts[0].matches("\\d{1,3}(\\.\\d{1,3}){3}") && prefix >= 0 && prefix <= 32
                            && InetAddress.getByName(parts[0]) instanceof Inet4Address a) {
                        out.add(new InterfaceAddress(a, prefix));
                    }
                } catch (NumberFormatException | UnknownHostException e) {
                    // not an address: skip
                }
            }
        }
        return out;
    }

    boolean contains(Inet4Address candidate) {
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        return (toInt(address) & mask) == (toInt(candidate) & mask);
    }

    private static int toInt(Inet4Address a) {
        byte[] b = a.getAddress();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + prefix;
    }
}
