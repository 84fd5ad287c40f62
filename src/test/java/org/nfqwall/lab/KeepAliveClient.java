package org.nfqwall.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run of keepalive_client.py from the client namespace: two HTTP requests on one TCP
 * connection, and the test acts in between ({@link #awaitFirstAnswer()}, then {@link #sendSecond()}).
 * Built by {@link Lab#keepAliveClient(String, int, String)}; one thread, one run.
 *
 * <pre>
 * KeepAliveClient c = lab.keepAliveClient(address, 80, "vpn.example.com");
 * c.awaitFirstAnswer();   // the first request was answered; the connection stays open
 * ...                     // change routes, marks, rules
 * KeepAliveClient.Result r = c.sendSecond();
 * </pre>
 */
public final class KeepAliveClient {
    /** How long each step may take, and the tool's own --timeout: {@value} s. */
    public static final int TIMEOUT_SECONDS = 10;

    /**
     * What the two requests got.
     *
     * @param first the first answer's status, 0 if none came
     * @param second the second answer's status, 0 if none came
     * @param error why the run ended early, or null
     */
    public record Result(int first, int second, String error) {
    }

    private final Lab lab;
    private final Process process;
    private final Path log;
    private final Path ready;
    private final Path go;

    KeepAliveClient(Lab lab, String address, int port, String name, int n) {
        this.lab = lab;
        this.log = lab.workDir().resolve("keepalive-" + n + ".log");
        this.ready = lab.workDir().resolve("keepalive-" + n + ".ready");
        this.go = lab.workDir().resolve("keepalive-" + n + ".go");
        this.process = lab.start(Node.CLIENT, log, "python3", lab.tool("keepalive_client.py").toString(),
                "--host", address, "--port", Integer.toString(port), "--name", name,
                "--ready-file", ready.toString(), "--go-file", go.toString(),
                "--timeout", Integer.toString(TIMEOUT_SECONDS));
    }

    /** Waits until the first request is answered (or the client gave up: then its result says why). */
    public void awaitFirstAnswer() {
        Lab.eventually(Duration.ofSeconds(TIMEOUT_SECONDS + 5),
                () -> Files.exists(ready) || !process.isAlive(), done -> done);
        if (!Files.exists(ready)) {
            throw new AssertionError("keepalive_client.py got no first answer: " + Lab.readOrEmpty(log));
        }
    }

    /** Lets the client send its second request on the same connection and returns what both got. */
    public Result sendSecond() {
        try {
            Files.createFile(go);
            if (!process.waitFor(TIMEOUT_SECONDS + 5, TimeUnit.SECONDS)) {
                lab.stop(process);
                throw new AssertionError("keepalive_client.py did not finish: " + Lab.readOrEmpty(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        String out = Lab.readOrEmpty(log).strip();
        try {
            Map<String, Object> json = Json.parseObject(out.substring(out.lastIndexOf('\n') + 1));
            return new Result(((Number) json.get("first")).intValue(), ((Number) json.get("second")).intValue(),
                    (String) json.get("error"));
        } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
            throw new AssertionError("keepalive_client.py printed no summary: " + out, e);
        }
    }
}
