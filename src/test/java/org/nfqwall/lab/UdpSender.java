package org.nfqwall.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Runs udp_send.py for {@link Lab#sendUdpHex}: the datagrams go through a file, so any number fits. */
final class UdpSender {
    private UdpSender() {
    }

    static int send(Lab lab, Node from, Path file, String address, int port, List<String> hexDatagrams,
                    Duration gap) {
        try {
            Files.write(file, hexDatagrams, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        ExecResult sent = lab.execOk(from, Duration.ofSeconds(10).plus(gap.multipliedBy(hexDatagrams.size())),
                "python3", lab.tool("udp_send.py").toString(), "--host", address, "--port",
                Integer.toString(port), "--file", file.toString(), "--gap-ms", Long.toString(gap.toMillis()));
        Map<String, Object> summary = Json.parseObject(sent.stdout());
        if (summary.get("error") != null) {
            throw new AssertionError("udp_send.py stopped: " + sent.describe());
        }
        return ((Number) summary.get("sent")).intValue();
    }
}
