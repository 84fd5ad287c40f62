package org.nfqwall.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BoundedLineReaderTest {
    private static List<String> lines(String text, int max) throws IOException {
        BoundedLineReader r = new BoundedLineReader(new StringReader(text), max);
        List<String> out = new ArrayList<>();
        for (String line = r.next(); line != null; line = r.next()) {
            assertEquals(out.size() + 1, r.lineNumber());
            out.add(r.tooLong() ? "TOO LONG " + r.length() : line);
        }
        return out;
    }

    @Test
    void splitsAtNewlinesKeepingEmptyLinesAndALastLineWithoutNewline() throws IOException {
        assertEquals(List.of("a", "", "b\r", "c"), lines("a\n\nb\r\nc", 100));
        assertEquals(List.of("a"), lines("a\n", 100));
        assertEquals(List.of(), lines("", 100));
    }

    @Test
    void readsLinesThatCrossTheBufferBoundary() throws IOException {
        StringBuilder text = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; text.length() < 200_000; i++) {
            String line = "line-" + i + "-" + "x".repeat(i % 37);
            expected.add(line);
            text.append(line).append('\n');
        }
        assertEquals(expected, lines(text.toString(), 100));
    }

    @Test
    void reportsALineOverTheLimitWithItsLengthAndGoesOn() throws IOException {
        assertEquals(List.of("ok", "TOO LONG 11", "ok2", "TOO LONG 200000"),
                lines("ok\n" + "a".repeat(11) + "\nok2\n" + "b".repeat(200_000), 10));
        BoundedLineReader r = new BoundedLineReader(new StringReader("0123456789\n"), 10);
        assertEquals("0123456789", r.next());
        assertFalse(r.tooLong());
        assertNull(r.next());
    }

    @Test
    void tooLongIsTrueOnlyForTheLongLine() throws IOException {
        BoundedLineReader r = new BoundedLineReader(new StringReader("xxxx\ny\n"), 3);
        assertEquals("", r.next());
        assertTrue(r.tooLong());
        assertEquals("y", r.next());
        assertFalse(r.tooLong());
    }
}
