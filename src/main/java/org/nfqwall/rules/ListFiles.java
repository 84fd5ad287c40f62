package org.nfqwall.rules;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads the list files a rules file names ({@code host_file}, {@code path_file},
 * {@code cidr_file}) into condition entries, line by line ({@link ListLines} says which lines
 * mean what). A relative path starts at the rules file's directory. A file that cannot be read is
 * an error at the rules file's value that names it; a bad line is an error
 * {@code LISTFILE:LINE: ...}, at most {@value #MAX_ERRORS_PER_FILE} of them a file, then one line
 * with the total. Every reference reads the file again, so a reload sees its current content.
 *
 * <p>Streams each file: nothing but the normalised entries is kept. One instance per load; not
 * thread-safe.
 */
final class ListFiles {
    /** Largest list file read: {@value} bytes (some 8 million host lines). */
    static final long MAX_FILE_SIZE = 256L * 1024 * 1024;
    /** Longest line read: {@value} characters (AdBlock lines with long domain lists fit). */
    static final int MAX_LINE_LENGTH = 64 * 1024;
    /** Errors listed for one file: {@value}; then one line gives the total. */
    static final int MAX_ERRORS_PER_FILE = 100;

    /** Reads one line into the condition; as {@link ListLines#hostLine}. */
    private interface LineParser {
        int parse(String line) throws BadValueException;
    }

    private final Path baseDirectory;
    private final Problems problems;
    /** Kind and path of each file already counted, so one read twice counts once. */
    private final Set<String> counted = new HashSet<>();
    private final Set<String> files = new HashSet<>();
    private int entries;
    private int skipped;

    /**
     * @param baseDirectory where relative paths start: the rules file's directory ({@code Path.of("")}
     *     for the current one)
     */
    ListFiles(Path baseDirectory, Problems problems) {
        this.baseDirectory = baseDirectory;
        this.problems = problems;
    }

    /** Reads the host list the scalar names into {@code hosts}. */
    void readHosts(ScalarNode pathNode, ConditionEntries<String> hosts) {
        read(pathNode, "host_file", "host", line -> ListLines.hostLine(line, hosts));
    }

    /** Reads the path-glob list the scalar names into {@code paths}. */
    void readPaths(ScalarNode pathNode, ConditionEntries<PathGlob> paths) {
        read(pathNode, "path_file", "path glob", line -> ListLines.pathLine(line, paths));
    }

    /** Reads the address and CIDR list the scalar names into {@code prefixes}. */
    void readPrefixes(ScalarNode pathNode, ConditionEntries<AddressPrefix> prefixes) {
        read(pathNode, "cidr_file", "address or CIDR", line -> ListLines.cidrLine(line, prefixes));
    }

    /** What the files read so far gave. */
    ListStats stats() {
        return new ListStats(entries, files.size(), skipped);
    }

    private void read(ScalarNode pathNode, String key, String what, LineParser parser) {
        String written = pathNode.getValue();
        Path path = baseDirectory.resolve(written);
        String shown = path.toString();
        String cannot = "cannot read " + key + " " + YamlValues.quote(written) + ": ";
        try {
            if (Files.isDirectory(path)) {
                problems.at(pathNode, cannot + "it is a directory (" + shown + "), expected a list file");
                return;
            }
            if (Files.size(path) > MAX_FILE_SIZE) {
                problems.at(pathNode, cannot + "it is larger than " + MAX_FILE_SIZE + " bytes, expected a smaller"
                        + " list file");
                return;
            }
            CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE);
            try (Reader reader = new InputStreamReader(Files.newInputStream(path), utf8)) {
                readLines(reader, pathNode, shown, key, what, parser);
            }
        } catch (NoSuchFileException e) {
            problems.at(pathNode, cannot + "no such file (looked for " + shown + "), expected an existing file;"
                    + " a relative path starts at the rules file's directory");
        } catch (AccessDeniedException e) {
            problems.at(pathNode, cannot + "permission denied (" + shown + "), expected a file nfqwall may read");
        } catch (IOException e) {
            problems.at(pathNode, cannot + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")") + ", expected a readable file");
        }
    }

    private void readLines(Reader reader, ScalarNode pathNode, String shown, String key, String what,
            LineParser parser) throws IOException {
        BoundedLineReader lines = new BoundedLineReader(reader, MAX_LINE_LENGTH);
        int fileEntries = 0;
        int fileSkipped = 0;
        int errors = 0;
        for (String line = lines.next(); line != null; line = lines.next()) {
            String problem = null;
            if (lines.tooLong()) {
                problem = "line is " + lines.length() + " characters long, expected at most " + MAX_LINE_LENGTH;
            } else {
                if (lines.lineNumber() == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                try {
                    int taken = parser.parse(line);
                    if (taken == ListLines.SKIPPED) {
                        fileSkipped++;
                    } else {
                        fileEntries += taken;
                    }
                } catch (BadValueException e) {
                    problem = e.getMessage();
                }
            }
            if (problem != null && ++errors <= MAX_ERRORS_PER_FILE) {
                problems.inFile(shown, lines.lineNumber(), problem);
            }
        }
        if (errors > MAX_ERRORS_PER_FILE) {
            problems.inFile(shown, 0, errors + " bad lines in all, only the first " + MAX_ERRORS_PER_FILE
                    + " are listed; expected one " + what + " per line (see the rules file reference)");
        }
        if (errors == 0 && fileEntries == 0) {
            problems.at(pathNode, key + " " + YamlValues.quote(pathNode.getValue()) + " has no entries"
                    + (fileSkipped == 0 ? "" : " (" + fileSkipped + " AdBlock lines skipped)")
                    + ", expected at least one " + what + " in it");
        }
        files.add(shown);
        if (counted.add(key + " " + shown)) {
            entries += fileEntries;
            skipped += fileSkipped;
        }
    }
}
