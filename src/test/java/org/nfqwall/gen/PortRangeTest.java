package org.nfqwall.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PortRangeTest {

    @Test
    void parsesPortsAndRangesInOrder() {
        assertEquals(List.of(PortRange.of(80), PortRange.of(8080), new PortRange(8000, 8079)),
                PortRange.parseList("80,8080,8000-8079"));
    }

    @Test
    void acceptsSpacesAndTheIptablesRangeSeparator() {
        assertEquals(List.of(PortRange.of(8443), new PortRange(1, 1024)), PortRange.parseList(" 8443 , 1 : 1024 "));
    }

    @Test
    void acceptsTheExtremePorts() {
        assertEquals(List.of(new PortRange(1, 65535)), PortRange.parseList("1-65535"));
    }

    @Test
    void writesASinglePortRangeAsAPort() {
        PortRange range = PortRange.parseList("8080-8080").get(0);
        assertEquals("8080", range.toString());
        assertEquals("8080", range.multiportSyntax());
        assertEquals(1, range.multiportSlots());
    }

    @Test
    void writesARangeForMultiportAndForTheCommandLine() {
        PortRange range = new PortRange(8000, 8100);
        assertEquals("8000:8100", range.multiportSyntax());
        assertEquals("8000-8100", range.toString());
        assertEquals(2, range.multiportSlots());
    }

    @Test
    void knowsWhenRangesOverlap() {
        assertTrue(new PortRange(80, 90).overlaps(PortRange.of(90)));
        assertTrue(PortRange.of(85).overlaps(new PortRange(80, 90)));
        assertFalse(new PortRange(80, 90).overlaps(PortRange.of(91)));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @CsvSource(delimiter = '|', value = {
        "''| port list is empty; expected PORT or FROM-TO (ports 1-65535) separated by commas, e.g. 80,8080,8000-8100",
        "'  '| port list is empty; expected PORT or FROM-TO (ports 1-65535) separated by commas, e.g. 80,8080,8000-8100",
        "80,,90| port list \"80,,90\": item 2 is empty; expected PORT or FROM-TO (ports 1-65535) separated by commas, e.g. 80,8080,8000-8100",
        "80,| port list \"80,\": item 2 is empty; expected PORT or FROM-TO (ports 1-65535) separated by commas, e.g. 80,8080,8000-8100",
        "http| port list \"http\": item 1 \"http\" is not a port or range; expected PORT or FROM-TO (ports 1-65535) separated by commas, e.g. 80,8080,8000-8100",
        "80;443| port list \"80;443\": item 1 \"80;443\" is not a port or range; expected PORT or FROM-TO (ports 1-65535) separated by commas, e.g. 80,8080,8000-8100",
        "-80| port list \"-80\": item 1 \"-80\" is not a port or range; expected PORT or FROM-TO (ports 1-65535) separated by commas, e.g. 80,8080,8000-8100",
        "8000-| port list \"8000-\": item 1 \"8000-\" is not a port or range; expected PORT or FROM-TO (ports 1-65535) separated by commas, e.g. 80,8080,8000-8100",
        "1-2-3| port list \"1-2-3\": item 1 \"1-2-3\" is not a port or range; expected PORT or FROM-TO (ports 1-65535) separated by commas, e.g. 80,8080,8000-8100",
        "123456| port list \"123456\": item 1 \"123456\" is not a port or range; expected PORT or FROM-TO (ports 1-65535) separated by commas, e.g. 80,8080,8000-8100",
        "80,0| port list \"80,0\": item 2: port 0 is out of range; expected 1-65535",
        "65536| port list \"65536\": item 1: port 65536 is out of range; expected 1-65535",
        "22,9000-8000| port list \"22,9000-8000\": item 2: range 9000-8000 runs backwards; expected FROM <= TO, e.g. 8000-9000",
        "80,443,80| port list \"80,443,80\": item 3 (80) overlaps item 1 (80); list each port once",
        "8000-8100,8050| port list \"8000-8100,8050\": item 2 (8050) overlaps item 1 (8000-8100); list each port once",
    })
    void rejectsMalformedListsSayingWhatToFix(String text, String message) {
        var e = assertThrows(IllegalArgumentException.class, () -> PortRange.parseList(text));
        assertEquals(message, e.getMessage());
    }

    @ParameterizedTest(name = "{0}-{1}")
    @CsvSource({"0,80", "80,65536", "-1,-1", "443,80"})
    void rejectsInvalidRangesDirectly(int from, int to) {
        assertThrows(IllegalArgumentException.class, () -> new PortRange(from, to));
    }
}
