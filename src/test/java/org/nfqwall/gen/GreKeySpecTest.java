package org.nfqwall.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link GreKeySpec#parse}: every form of {@code --key}, and what is refused. */
class GreKeySpecTest {

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "1                     | 0x1",
        "0                     | 0x0",
        "4294967295            | 0xffffffff",
        "0xFFFFFFFF            | 0xffffffff",
        "0x00000001            | 0x1",
        "1.2.3.4               | 0x1020304",
        "255.255.255.255       | 0xffffffff",
        "100-200               | 0x64-0xc8",
        "100:200               | 0x64-0xc8",
        "7-7                   | 0x7",
        "0-4294967295          | 0x0-0xffffffff",
        "10.0.0.1-10.0.0.9     | 0xa000001-0xa000009",
        "0x1200/0xff00         | 0x1200/0xff00",
        "0/0                   | 0x0/0x0",
        "1.2.0.0/255.255.0.0   | 0x1020000/0xffff0000",
        "5/0xffffffff          | 0x5",
        "' 1 , 2 '             | 0x1; 0x2",
        "1,5-9,0x100/0xff00,3  | 0x1; 0x5-0x9; 0x100/0xff00; 0x3",
    })
    void readsEveryForm(String text, String expected) {
        String items = GreKeySpec.parse(text).items().stream().map(GreKey::toString).collect(Collectors.joining("; "));
        assertEquals(expected, items);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "''                 | key list is empty",
        "' '                | key list is empty",
        "1,,2               | item 2 is empty",
        "1,                 | item 2 is empty",
        "abc                | item 1: \"abc\" is not a key",
        "-1                 | item 1: \"-1\" is not a key",
        "1.5                | item 1: \"1.5\" is not a key",
        "4294967296         | item 1: key 4294967296 is larger than 32 bits",
        "99999999999        | item 1: \"99999999999\" is not a key",
        "0x100000000        | item 1: \"0x100000000\" is not a key",
        "0x                 | item 1: \"0x\" is not a key",
        "1.2.3.256          | item 1: \"1.2.3.256\": dotted quad part 256 is larger than 255",
        "200-100            | item 1: range 200-100 runs backwards; expected FROM <= TO, e.g. 100-200",
        "1-2-3              | item 1: \"1-2-3\" is not a key",
        "5-                 | item 1: \"5-\" is not a key",
        "0x1201/0xff00      | item 1: key 0x1201 has bits outside mask 0xff00 (0x1), so no key could ever match",
        "1/2/3              | item 1: \"1/2/3\" is not a key",
        "1,5-9,7            | item 3 (7) overlaps item 2 (5-9); list each key once",
        "1,1                | item 2 (1) overlaps item 1 (1); list each key once",
        "0x100/0xff00,256/0xff00 | item 2 (256/0xff00) overlaps item 1 (0x100/0xff00)",
    })
    void refusesWithWhatToFix(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GreKeySpec.parse(text));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertTrue(e.getMessage().startsWith("key list"), e.getMessage());
    }

    @Test
    void aMaskedItemMayCoverPlainKeysToo() {
        // Only exact duplicates among masked items are refused: finding every overlap of a mask
        // with a range would need more than a comparison, and a double match is harmless.
        assertEquals(2, GreKeySpec.parse("0x1200/0xff00,0x1234").items().size());
    }

    @Test
    void groupsSplitPerMaskAndAfterTenValues() {
        String keys = IntStream.rangeClosed(1, 11).mapToObj(Integer::toString).collect(Collectors.joining(","))
                + ",0x100/0xff00,100-200,0x200/0xff00";
        List<List<GreKey>> groups = GreKeySpec.parse(keys).u32Groups();
        assertEquals(3, groups.size());
        assertEquals(10, groups.get(0).size());
        assertEquals(List.of(GreKey.of(11), new GreKey(100, 200, GreKey.MAX)), groups.get(1));
        assertEquals(List.of(new GreKey(0x100, 0x100, 0xff00), new GreKey(0x200, 0x200, 0xff00)), groups.get(2));
    }

    @ParameterizedTest(name = "{0}-{1}")
    @CsvSource({"0, 4294967295, 1", "1, 20, 6", "100, 200, 6", "0, 0, 1", "1, 4294967294, 62",
        "4294967280, 4294967295, 1"})
    void rangesBecomeExactlyCoveringPowerOfTwoBlocks(long from, long to, int blocks) {
        List<long[]> pairs = new GreKey(from, to, GreKey.MAX).valueMaskPairs();
        assertEquals(blocks, pairs.size());
        long next = from;
        for (long[] pair : pairs) {
            assertEquals(next, pair[0], "blocks are contiguous and in order");
            long size = (~pair[1] & GreKey.MAX) + 1;
            assertEquals(0, pair[0] & ~pair[1] & GreKey.MAX, "each block is aligned to its size");
            next = pair[0] + size;
        }
        assertEquals(to + 1, next, "the blocks end exactly at the range's end");
    }
}
