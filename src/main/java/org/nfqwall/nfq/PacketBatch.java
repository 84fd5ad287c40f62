package org.nfqwall.nfq;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * The packets of one {@link QueueSocket#receive} call: their attributes in int arrays and their
 * bytes in one direct buffer, split into one slot per message of the batch. The native
 * {@code mmsghdr} and {@code iovec} arrays that point the kernel at the slots sit in a second
 * direct buffer, written once here.
 *
 * <p>Allocated once per queue and reused for every call; each call overwrites the previous
 * batch. Owned by the queue's thread; not thread-safe. Offsets are absolute indexes into
 * {@link #buffer()}; the attribute arrays are valid for indexes below {@link #size()}.
 */
public final class PacketBatch {
    /**
     * Slot bytes beyond the copy range for the netlink header and the packet's other attributes
     * (packet header, mark, interfaces, timestamp, hardware address, lengths): they take under
     * 200 bytes, and a slot too small would cut the message.
     */
    static final int SLOT_HEADROOM = 512;
    /**
     * {@link #skbInfo} bit: the TCP/UDP checksum is not filled in yet (a local sender's checksum
     * offload, {@code CHECKSUM_PARTIAL}); its field holds only the pseudo-header sum.
     */
    public static final int SKB_CSUM_NOT_READY = 1;
    /** {@link #skbInfo} bit: a GSO/GRO super-packet, queued whole; it leaves as several segments. */
    public static final int SKB_GSO = 1 << 1;
    /** {@link #skbInfo} bit: the kernel has not verified the checksum (it may still be right or wrong). */
    public static final int SKB_CSUM_NOT_VERIFIED = 1 << 2;
    /** sizeof(struct mmsghdr) on LP64 Linux. */
    static final int MMSGHDR_SIZE = 64;
    /** sizeof(struct iovec) on LP64 Linux. */
    static final int IOVEC_SIZE = 16;
    private static final int MSGHDR_IOV = 16;
    private static final int MSGHDR_IOVLEN = 24;
    private static final int MSGHDR_FLAGS = 48;
    private static final int MMSGHDR_LEN = 56;

    private final int copyRange;
    private final int slotSize;
    private final ByteBuffer buffer;
    /** mmsghdr[capacity] then iovec[capacity], in host order. */
    private final ByteBuffer headers;
    private final long headersAddress;
    private final long bufferAddress;

    final int[] packetIds;
    final int[] hooks;
    final int[] marks;
    final int[] payloadOffsets;
    final int[] payloadLengths;
    final int[] capturedLengths;
    final int[] inputInterfaces;
    final int[] outputInterfaces;
    final int[] skbInfos;
    int size;

    /** NLMSG_ERROR replies with a non-zero error seen by the last parse (e.g. a verdict for an unknown id). */
    int errorReplies;
    /** Messages of the last parse that could not be read, or packets beyond the capacity. */
    int malformed;
    /** The sequence number and error of the last NLMSG_ERROR seen (an ACK has error 0). */
    int lastErrorSeq;
    int lastError;
    boolean sawErrorMessage;

    private PacketBatch(int capacity, int copyRange) {
        this.copyRange = copyRange;
        this.slotSize = (copyRange + SLOT_HEADROOM + 7) & ~7;
        this.buffer = ByteBuffer.allocateDirect(slotSize * capacity).order(ByteOrder.BIG_ENDIAN);
        this.headers = ByteBuffer.allocateDirect(capacity * (MMSGHDR_SIZE + IOVEC_SIZE)).order(ByteOrder.nativeOrder());
        this.headersAddress = Native.addressOf(headers);
        this.bufferAddress = Native.addressOf(buffer);
        long iovecsAddress = headersAddress + (long) capacity * MMSGHDR_SIZE;
        for (int i = 0; i < capacity; i++) {
            int iovec = capacity * MMSGHDR_SIZE + i * IOVEC_SIZE;
            headers.putLong(iovec, bufferAddress + (long) i * slotSize);
            headers.putLong(iovec + 8, slotSize);
            int mmsghdr = i * MMSGHDR_SIZE;
            headers.putLong(mmsghdr + MSGHDR_IOV, iovecsAddress + (long) i * IOVEC_SIZE);
            headers.putLong(mmsghdr + MSGHDR_IOVLEN, 1);
        }
        packetIds = new int[capacity];
        hooks = new int[capacity];
        marks = new int[capacity];
        payloadOffsets = new int[capacity];
        payloadLengths = new int[capacity];
        capturedLengths = new int[capacity];
        inputInterfaces = new int[capacity];
        outputInterfaces = new int[capacity];
        skbInfos = new int[capacity];
    }

    /** A batch of {@code config.batchSize()} slots, each big enough for {@code config.copyRange()} bytes of packet. */
    public static PacketBatch allocate(QueueConfig config) {
        return new PacketBatch(config.batchSize(), config.copyRange());
    }

    static PacketBatch allocate(int capacity, int copyRange) {
        return new PacketBatch(capacity, copyRange);
    }

    /** Packets in this batch. */
    public int size() {
        return size;
    }

    /** Most packets (and messages) one batch holds. */
    public int capacity() {
        return packetIds.length;
    }

    /** The one big-endian direct buffer holding every slot; offsets of this batch index into it. */
    public ByteBuffer buffer() {
        return buffer;
    }

    /** The kernel's id of packet {@code i}, to give to {@link QueueSocket#verdict}. */
    public int packetId(int i) {
        return packetIds[Objects.checkIndex(i, size)];
    }

    /** The netfilter hook (NF_INET_PRE_ROUTING 0 .. NF_INET_POST_ROUTING 4) that queued packet {@code i}. */
    public int hook(int i) {
        return hooks[Objects.checkIndex(i, size)];
    }

    /** The packet's fwmark, or 0 when it has none. */
    public int mark(int i) {
        return marks[Objects.checkIndex(i, size)];
    }

    /** Absolute index in {@link #buffer()} of the packet's first (IP header) byte. */
    public int payloadOffset(int i) {
        return payloadOffsets[Objects.checkIndex(i, size)];
    }

    /** Bytes of the packet copied to us (at most the copy range); 0 if the kernel sent none. */
    public int payloadLength(int i) {
        return payloadLengths[Objects.checkIndex(i, size)];
    }

    /** The packet's length on the wire: NFQA_CAP_LEN when it was cut to the copy range, else its payload length. */
    public int capturedLength(int i) {
        return capturedLengths[Objects.checkIndex(i, size)];
    }

    /** Index of the input interface, or 0 when there is none (locally generated packets). */
    public int inputInterface(int i) {
        return inputInterfaces[Objects.checkIndex(i, size)];
    }

    /** Index of the output interface, or 0 when there is none (packets for this host). */
    public int outputInterface(int i) {
        return outputInterfaces[Objects.checkIndex(i, size)];
    }

    /**
     * The kernel's NFQA_SKB_INFO bits for packet {@code i} ({@link #SKB_CSUM_NOT_READY},
     * {@link #SKB_GSO}, {@link #SKB_CSUM_NOT_VERIFIED}); 0 when the kernel sent none, as it does
     * when the queue was not given NFQA_CFG_F_GSO.
     */
    public int skbInfo(int i) {
        return skbInfos[Objects.checkIndex(i, size)];
    }

    /** Empties the batch before a parse. */
    void reset() {
        size = 0;
        errorReplies = 0;
        malformed = 0;
        sawErrorMessage = false;
    }

    /** Slots (one received datagram each). */
    int slots() {
        return packetIds.length;
    }

    /** The largest packet copy a slot holds whole. */
    int copyRange() {
        return copyRange;
    }

    int slotSize() {
        return slotSize;
    }

    int slotOffset(int slot) {
        return slot * slotSize;
    }

    long slotAddress(int slot) {
        return bufferAddress + (long) slot * slotSize;
    }

    /** Address of the mmsghdr array for recvmmsg. */
    long mmsghdrAddress() {
        return headersAddress;
    }

    /** Bytes the kernel wrote into {@code slot} in the last recvmmsg (mmsghdr.msg_len). */
    int receivedLength(int slot) {
        return headers.getInt(slot * MMSGHDR_SIZE + MMSGHDR_LEN);
    }

    /** msghdr.msg_flags of {@code slot} after the last recvmmsg (MSG_TRUNC when the slot was too small). */
    int receivedFlags(int slot) {
        return headers.getInt(slot * MMSGHDR_SIZE + MSGHDR_FLAGS);
    }
}
