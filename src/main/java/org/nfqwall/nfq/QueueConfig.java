package org.nfqwall.nfq;

/**
 * How to open one NFQUEUE: which queue, how much of each packet to copy, how much the kernel may
 * hold for us, and how {@link QueueSocket#receive} batches.
 *
 * @param queueNumber              the {@code --queue-num} of the iptables rule, 0..65535
 * @param copyRange                bytes of each packet copied to userspace, 1..{@value #MAX_COPY_RANGE}
 * @param socketReceiveBufferBytes the netlink socket's receive buffer; bursts beyond it are lost
 * @param maxQueueLength           packets the kernel holds waiting for a verdict (queue maxlen)
 * @param failOpen                 when the queue is full, accept packets instead of dropping them
 * @param batchSize                most packets taken by one receive call, 1..{@value #MAX_BATCH_SIZE}
 * @param receiveTimeoutMillis     how long one receive call waits for the first packet (&gt; 0)
 */
public record QueueConfig(int queueNumber, int copyRange, int socketReceiveBufferBytes, int maxQueueLength,
                          boolean failOpen, int batchSize, int receiveTimeoutMillis) {
    /** The kernel's largest copy range (a netlink attribute length is 16 bits). */
    public static final int MAX_COPY_RANGE = 0xFFFF;
    /** Bounds the native batch memory ({@code batchSize} slots of about {@code copyRange} bytes). */
    public static final int MAX_BATCH_SIZE = 1024;
    /** The default receive buffer: {@value} bytes hold about 8192 small queued packets. */
    public static final int DEFAULT_RECEIVE_BUFFER_BYTES = 16 << 20;
    /** The default queue length, matched to {@link #DEFAULT_RECEIVE_BUFFER_BYTES}. */
    public static final int DEFAULT_MAX_QUEUE_LENGTH = 8192;
    /** The default batch: {@value} packets per receive call. */
    public static final int DEFAULT_BATCH_SIZE = 64;
    /** The default wait for the first packet of a batch, in milliseconds: {@value}. */
    public static final int DEFAULT_RECEIVE_TIMEOUT_MILLIS = 200;

    /** Checks the ranges; throws IllegalArgumentException naming the first bad field. */
    public QueueConfig {
        require(queueNumber >= 0 && queueNumber <= 0xFFFF, "queueNumber", queueNumber, "0..65535");
        require(copyRange >= 1 && copyRange <= MAX_COPY_RANGE, "copyRange", copyRange, "1.." + MAX_COPY_RANGE);
        require(socketReceiveBufferBytes > 0, "socketReceiveBufferBytes", socketReceiveBufferBytes, "> 0");
        require(maxQueueLength > 0, "maxQueueLength", maxQueueLength, "> 0");
        require(batchSize >= 1 && batchSize <= MAX_BATCH_SIZE, "batchSize", batchSize, "1.." + MAX_BATCH_SIZE);
        require(receiveTimeoutMillis > 0, "receiveTimeoutMillis", receiveTimeoutMillis, "> 0");
    }

    /** Whole packets, a 16 MiB buffer, 8192 queued packets, fail-open, batches of 64, 200 ms waits. */
    public static QueueConfig defaults(int queueNumber) {
        return new QueueConfig(queueNumber, MAX_COPY_RANGE, DEFAULT_RECEIVE_BUFFER_BYTES, DEFAULT_MAX_QUEUE_LENGTH,
                true, DEFAULT_BATCH_SIZE, DEFAULT_RECEIVE_TIMEOUT_MILLIS);
    }

    private static void require(boolean ok, String field, int value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException(field + " is " + value + ", expected " + expected);
        }
    }
}
