package org.nfqwall.nfq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nfqwall.nfq.NetlinkFixtures.ACK;
import static org.nfqwall.nfq.NetlinkFixtures.CUT_PACKET;
import static org.nfqwall.nfq.NetlinkFixtures.ERROR_REPLY;
import static org.nfqwall.nfq.NetlinkFixtures.HEADER_ONLY_PACKET;
import static org.nfqwall.nfq.NetlinkFixtures.NOOP;
import static org.nfqwall.nfq.NetlinkFixtures.PACKET;
import static org.nfqwall.nfq.NetlinkFixtures.PACKET_LENGTH;
import static org.nfqwall.nfq.NetlinkFixtures.PACKET_PAYLOAD_INDEX;
import static org.nfqwall.nfq.NetlinkFixtures.direct;
import static org.nfqwall.nfq.NetlinkFixtures.write;

import java.nio.ByteBuffer;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class NfqMessageParserTest {
    private final PacketBatch batch = PacketBatch.allocate(4, 128);

    private PacketBatch parse(ByteBuffer buf, int offset, int length) {
        batch.reset();
        NfqMessageParser.parseDatagram(buf, offset, length, batch);
        return batch;
    }

    /** Lays {@code hex} into the batch's own buffer, as recvmmsg would, and parses it. */
    private PacketBatch parse(String hex) {
        int end = write(batch.buffer(), batch.slotOffset(1), hex);
        return parse(batch.buffer(), batch.slotOffset(1), end - batch.slotOffset(1));
    }

    @Test
    void readsPacketIdHookMarkAndInterfaces() {
        PacketBatch b = parse(PACKET);
        assertEquals(1, b.size());
        assertEquals(1, b.packetId(0));
        assertEquals(3, b.hook(0));
        assertEquals(42, b.mark(0));
        assertEquals(0, b.inputInterface(0));
        assertEquals(1, b.outputInterface(0));
        assertEquals(0, b.malformed);
    }

    @Test
    void readsTheSkbInfoAndTheWireLengthOfACutGsoPacket() {
        byte[] ip = new byte[100];
        ip[0] = 0x45;
        int info = PacketBatch.SKB_GSO | PacketBatch.SKB_CSUM_NOT_READY;
        PacketBatch b = parse(NetlinkFixtures.packetMessage(7, 9, 3, ip, 60, 30000, info));
        assertEquals(1, b.size());
        assertEquals(0, b.malformed);
        assertEquals(9, b.packetId(0));
        assertEquals(3, b.mark(0));
        assertEquals(2, b.inputInterface(0));
        assertEquals(60, b.payloadLength(0));
        assertEquals(30000, b.capturedLength(0));
        assertEquals(info, b.skbInfo(0));
        assertEquals(0x45, b.buffer().get(b.payloadOffset(0)));
    }

    @Test
    void aPacketWithoutSkbInfoHasNoFlags() {
        PacketBatch b = parse(NetlinkFixtures.packetMessage(7, 9, 3, new byte[40], 40, 40, 0));
        assertEquals(0, b.skbInfo(0));
        assertEquals(40, b.capturedLength(0));
        assertEquals(0, parse(PACKET).skbInfo(0));
    }

    @Test
    void payloadOffsetPointsAtTheIpHeader() {
        PacketBatch b = parse(PACKET);
        assertEquals(b.slotOffset(1) + PACKET_PAYLOAD_INDEX, b.payloadOffset(0));
        assertEquals(33, b.payloadLength(0));
        assertEquals(0x45, b.buffer().get(b.payloadOffset(0)));
        assertEquals('o', b.buffer().get(b.payloadOffset(0) + b.payloadLength(0) - 1));
    }

    @Test
    void capturedLengthIsPayloadLengthWhenNotCut() {
        assertEquals(33, parse(PACKET).capturedLength(0));
    }

    @Test
    void capturedLengthComesFromCapLenWhenCutToTheCopyRange() {
        PacketBatch b = parse(CUT_PACKET);
        assertEquals(20, b.payloadLength(0));
        assertEquals(33, b.capturedLength(0));
    }

    @Test
    void offsetsAreAbsoluteWhenTheDatagramIsNotAtIndexZero() {
        ByteBuffer buf = direct(2048, 1000, PACKET);
        PacketBatch b = parse(buf, 1000, PACKET_LENGTH);
        assertEquals(1000 + PACKET_PAYLOAD_INDEX, b.payloadOffset(0));
        assertEquals(42, b.mark(0));
    }

    @Test
    void absentMarkInterfacesAndPayloadReadAsZero() {
        PacketBatch b = parse(HEADER_ONLY_PACKET);
        assertEquals(1, b.size());
        assertEquals(0x01020304, b.packetId(0));
        assertEquals(1, b.hook(0));
        assertEquals(0, b.mark(0));
        assertEquals(0, b.inputInterface(0));
        assertEquals(0, b.outputInterface(0));
        assertEquals(0, b.payloadLength(0));
        assertEquals(0, b.capturedLength(0));
    }

    @Test
    void readsEveryMessageOfOneDatagram() {
        ByteBuffer buf = direct(512, 0, PACKET);
        int second = Netlink.align4(PACKET_LENGTH);
        int end = write(buf, second, HEADER_ONLY_PACKET);
        end = write(buf, end, NOOP);
        PacketBatch b = parse(buf, 0, end);
        assertEquals(2, b.size());
        assertEquals(1, b.packetId(0));
        assertEquals(0x01020304, b.packetId(1));
        assertEquals(0, b.malformed);
    }

    @Test
    void countsAnErrorReplyWithoutAddingAPacket() {
        PacketBatch b = parse(ERROR_REPLY);
        assertEquals(0, b.size());
        assertEquals(1, b.errorReplies);
        assertTrue(b.sawErrorMessage);
        assertEquals(-2, b.lastError);
        assertEquals(9, b.lastErrorSeq);
    }

    @Test
    void recordsAnAckWithItsSequenceAndCountsNoError() {
        PacketBatch b = parse(ACK);
        assertTrue(b.sawErrorMessage);
        assertEquals(0, b.lastError);
        assertEquals(3, b.lastErrorSeq);
        assertEquals(0, b.errorReplies);
    }

    @Test
    void skipsNoopMessages() {
        PacketBatch b = parse(NOOP);
        assertEquals(0, b.size());
        assertEquals(0, b.malformed);
        assertFalse(b.sawErrorMessage);
    }

    @Test
    void ignoresTheByteOrderFlagInAnAttributeType() {
        ByteBuffer buf = direct(128, 0, PACKET);
        int markType = 42; // type field of the NFQA_MARK attribute in PACKET
        assertEquals(3, Netlink.getHostShort(buf, markType));
        Netlink.putHostShort(buf, markType, 3 | 0x4000);
        assertEquals(42, parse(buf, 0, PACKET_LENGTH).mark(0));
    }

    @Test
    void stopsAtTheBatchCapacityAndCountsTheRest() {
        PacketBatch small = PacketBatch.allocate(1, 128);
        ByteBuffer buf = direct(256, 0, HEADER_ONLY_PACKET);
        int end = write(buf, 32, HEADER_ONLY_PACKET);
        NfqMessageParser.parseDatagram(buf, 0, end, small);
        assertEquals(1, small.size());
        assertEquals(1, small.malformed);
    }

    static IntStream truncatedLengths() {
        return IntStream.range(0, PACKET_LENGTH);
    }

    @ParameterizedTest
    @MethodSource("truncatedLengths")
    void aTruncatedPacketMessageYieldsNoPacket(int length) {
        PacketBatch b = parse(direct(128, 0, PACKET), 0, length);
        assertEquals(0, b.size());
        assertEquals(length >= Netlink.NLMSG_HDRLEN ? 1 : 0, b.malformed);
    }

    /** Each row: byte index in HEADER_ONLY_PACKET, little-endian u16 or u32 value written there, why it is malformed. */
    @ParameterizedTest(name = "{2}")
    @CsvSource({
            "0, 15, 4, message length below the header",
            "0, 33, 4, message length beyond the datagram",
            "0, -1, 4, message length negative as int",
            "0, 19, 4, packet message without room for nfgenmsg",
            "20, 3, 2, attribute length below its header",
            "20, 13, 2, attribute length beyond the message",
            "20, 10, 2, packet header shorter than 7 bytes",
            "22, 3, 2, no packet header (it is a mark attribute now) and a mark of 3 bytes",
            "22, 4, 2, no packet header at all (a timestamp attribute)",
    })
    void aMalformedMessageYieldsNoPacketAndIsCounted(int index, int value, int width, String why) {
        ByteBuffer buf = direct(64, 0, HEADER_ONLY_PACKET);
        if (width == 4) {
            Netlink.putHostInt(buf, index, value);
        } else {
            Netlink.putHostShort(buf, index, value);
        }
        PacketBatch b = parse(buf, 0, 32);
        assertEquals(0, b.size(), why);
        assertEquals(1, b.malformed, why);
    }

    @Test
    void anErrorMessageTooShortForItsErrorIsCounted() {
        ByteBuffer buf = direct(64, 0, ERROR_REPLY);
        Netlink.putHostInt(buf, 0, 18);
        PacketBatch b = parse(buf, 0, 18);
        assertEquals(1, b.malformed);
        assertFalse(b.sawErrorMessage);
    }
}
