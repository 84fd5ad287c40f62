package org.nfqwall.packet;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Loads the captured packets in src/test/resources/packet/ (see capture-fixtures.sh there). */
final class PacketFixtures {
    static final String IPV4_TCP_SYN = "ipv4-tcp-syn";
    static final String IPV4_TCP_HTTP_GET = "ipv4-tcp-http-get";
    static final String IPV4_UDP = "ipv4-udp";
    static final String IPV4_UDP_OPTIONS = "ipv4-udp-options";
    static final String IPV4_FRAGMENT_FIRST = "ipv4-fragment-first";
    static final String IPV4_FRAGMENT_LATER = "ipv4-fragment-later";
    static final String IPV4_ICMP = "ipv4-icmp-port-unreachable";
    static final String IPV6_UDP = "ipv6-udp";
    static final String IPV6_TCP_HTTP_GET = "ipv6-tcp-http-get";
    static final String IPV6_HBH_DST_FRAGMENT_FIRST = "ipv6-hbh-dst-fragment-first";
    static final String IPV6_FRAGMENT_LATER = "ipv6-fragment-later";

    /** Made by src/test/resources/lab/gre_send.py --hex: this kernel has no GRE device to capture from. */
    static final String GRE_KEY22_CSUM_SEQ_IPV4_HTTP_GET = "gre-key22-csum-seq-ipv4-http-get";
    static final String GRE_KEY23_IPV6_HTTP_GET = "gre-key23-ipv6-http-get";
    static final List<String> GRE = List.of(GRE_KEY22_CSUM_SEQ_IPV4_HTTP_GET, GRE_KEY23_IPV6_HTTP_GET);

    static final List<String> ALL = List.of(IPV4_TCP_SYN, IPV4_TCP_HTTP_GET, IPV4_UDP, IPV4_UDP_OPTIONS,
            IPV4_FRAGMENT_FIRST, IPV4_FRAGMENT_LATER, IPV4_ICMP, IPV6_UDP, IPV6_TCP_HTTP_GET,
            IPV6_HBH_DST_FRAGMENT_FIRST, IPV6_FRAGMENT_LATER);

    /** Complete, unfragmented TCP and UDP packets: the ones whose checksum can be judged. */
    static final List<String> CHECKSUMMED = List.of(IPV4_TCP_SYN, IPV4_TCP_HTTP_GET, IPV4_UDP,
            IPV4_UDP_OPTIONS, IPV6_UDP, IPV6_TCP_HTTP_GET);

    private PacketFixtures() {
    }

    /** The packet bytes of fixture {@code name}: hex digits, whitespace ignored, '#' starts a comment. */
    static byte[] load(String name) {
        String resource = "/packet/" + name + ".hex";
        try (InputStream in = PacketFixtures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + resource);
            }
            StringBuilder hex = new StringBuilder();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                int comment = line.indexOf('#');
                hex.append((comment < 0 ? line : line.substring(0, comment)).replaceAll("\\s", ""));
            }
            byte[] packet = new byte[hex.length() / 2];
            for (int i = 0; i < packet.length; i++) {
                packet[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
            }
            return packet;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A direct buffer holding {@code packet} at index {@code at}, with unrelated bytes before and
     * after it, as in a receive buffer holding many packets.
     */
    static ByteBuffer inDirectBuffer(byte[] packet, int at) {
        ByteBuffer buf = ByteBuffer.allocateDirect(at + packet.length + 64);
        for (int i = 0; i < buf.capacity(); i++) {
            buf.put(i, (byte) 0xA5);
        }
        buf.put(at, packet);
        return buf;
    }
}
