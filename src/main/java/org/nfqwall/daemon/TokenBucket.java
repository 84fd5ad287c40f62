package org.nfqwall.daemon;

/**
 * A token bucket: {@code rate} tokens a second, holding at most one second's worth, so bursts
 * up to {@code rate} pass at once and the long-run average stays at {@code rate}.
 *
 * <p>Time comes from the caller (monotonic nanoseconds), so tests need no sleeping. Not
 * thread-safe: one thread takes tokens.
 */
final class TokenBucket {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long rate;
    /** Tokens held, scaled by {@link #NANOS_PER_SECOND} so refills stay exact in integers. */
    private long scaledTokens;
    private long lastNanos;

    /** @param rate tokens a second; 0 or less means unlimited */
    TokenBucket(long rate, long nowNanos) {
        this.rate = rate;
        this.scaledTokens = rate * NANOS_PER_SECOND;
        this.lastNanos = nowNanos;
    }

    /** Takes one token if there is one. */
    boolean tryTake(long nowNanos) {
        if (rate <= 0) {
            return true;
        }
        long elapsed = nowNanos - lastNanos;
        if (elapsed > 0) {
            long capacity = rate * NANOS_PER_SECOND;
            // elapsed * rate overflows only after ~292 years / rate; cap elapsed at a second first.
            scaledTokens = Math.min(capacity, scaledTokens + Math.min(elapsed, NANOS_PER_SECOND) * rate);
            lastNanos = nowNanos;
        }
        if (scaledTokens >= NANOS_PER_SECOND) {
            scaledTokens -= NANOS_PER_SECOND;
            return true;
        }
        return false;
    }
}
