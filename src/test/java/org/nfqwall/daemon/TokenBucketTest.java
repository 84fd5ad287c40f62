package org.nfqwall.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
    private static int taken(TokenBucket b, long now, int tries) {
        int n = 0;
        for (int i = 0; i < tries; i++) {
            if (b.tryTake(now)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void startsFullWithOneSecondOfTokens() {
        assertEquals(5, taken(new TokenBucket(5, 0), 0, 100));
    }

    @Test
    void refillsInProportionToElapsedTime() {
        TokenBucket b = new TokenBucket(1000, 0);
        taken(b, 0, 1000);
        assertEquals(10, taken(b, 10_000_000L, 100));
        assertEquals(1, taken(b, 11_000_000L, 100));
    }

    @Test
    void neverHoldsMoreThanOneSecond() {
        TokenBucket b = new TokenBucket(10, 0);
        taken(b, 0, 10);
        assertEquals(10, taken(b, 3_600_000_000_000L, 100));
    }

    @Test
    void timeGoingBackwardsAddsNothing() {
        TokenBucket b = new TokenBucket(10, 1_000_000_000L);
        taken(b, 1_000_000_000L, 10);
        assertEquals(0, taken(b, 0, 10));
    }

    @Test
    void zeroRateIsUnlimited() {
        assertTrue(taken(new TokenBucket(0, 0), 0, 100_000) == 100_000);
    }
}
