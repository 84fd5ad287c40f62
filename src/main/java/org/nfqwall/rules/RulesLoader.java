package org.nfqwall.rules;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Loads a rules file: YAML through snakeyaml's node API (so every value keeps its line and
 * column), then validation and compilation into a {@link RuleSet}. Reports every error found,
 * sorted by position, each saying what is wrong and what is expected; a YAML syntax error stops
 * at the first one. List files the rules name are read on every load (so a reload re-reads them);
 * their errors follow the rules file's, as {@code LISTFILE:LINE: message}.
 *
 * <p>Stateless; safe to call from any thread. Runs on the control path (startup, reload,
 * {@code nfqwall check}), never per packet.
 */
public final class RulesLoader {
    /** Largest rules file read: {@value} bytes (also snakeyaml's code point limit). */
    public static final int MAX_FILE_SIZE = 64 * 1024 * 1024;

    private RulesLoader() {
    }

    /** Reads and loads a file; a file that cannot be read gives one error saying why. */
    public static RuleLoadResult load(Path file) {
        String name = file.toString();
        String text;
        try {
            if (Files.isDirectory(file)) {
                return failure(name, "cannot read the rules file: it is a directory, expected a YAML file");
            }
            if (Files.size(file) > MAX_FILE_SIZE) {
                return failure(name, "cannot read the rules file: it is larger than " + MAX_FILE_SIZE
                        + " bytes, expected a smaller YAML file");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return failure(name, "cannot read the rules file: no such file");
        } catch (AccessDeniedException e) {
            return failure(name, "cannot read the rules file: permission denied");
        } catch (CharacterCodingException e) {
            return failure(name, "cannot read the rules file: it is not valid UTF-8, expected UTF-8 text");
        } catch (IOException e) {
            return failure(name, "cannot read the rules file: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
        }
        Path directory = file.getParent();
        return parse(name, text, directory == null ? Path.of("") : directory);
    }

    /**
     * Loads rules from text; list files named with relative paths are looked for in the current
     * directory.
     *
     * @param fileName the name errors and {@link RuleSet#source()} carry
     */
    public static RuleLoadResult parse(String fileName, String yamlText) {
        return parse(fileName, yamlText, Path.of(""));
    }

    /**
     * Loads rules from text as if they were a file in {@code baseDirectory}: list files
     * ({@code host_file}, {@code path_file}, {@code cidr_file}) named with relative paths are
     * looked for there, and read anew on every call.
     *
     * @param fileName the name errors and {@link RuleSet#source()} carry
     * @param baseDirectory the rules file's directory; {@code Path.of("")} for the current one
     */
    public static RuleLoadResult parse(String fileName, String yamlText, Path baseDirectory) {
        Problems problems = new Problems(fileName);
        Node root;
        try {
            root = new Yaml(options()).compose(new StringReader(yamlText));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            problems.at(mark, syntaxMessage(e));
            return new RuleLoadResult(null, problems.sorted());
        } catch (YAMLException e) {
            problems.atLine(0, 0, "YAML error: " + e.getMessage());
            return new RuleLoadResult(null, problems.sorted());
        }
        RuleSet ruleSet = new RuleFileReader(fileName, baseDirectory, problems).read(root);
        List<RuleError> errors = problems.sorted();
        return new RuleLoadResult(errors.isEmpty() ? ruleSet : null, errors);
    }

    private static LoaderOptions options() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_FILE_SIZE);
        // Duplicates are reported by the reader, with both positions.
        options.setAllowDuplicateKeys(true);
        options.setAllowRecursiveKeys(false);
        return options;
    }

    /** "YAML syntax error: PROBLEM (CONTEXT at line N); expected ...", without snakeyaml's snippet. */
    private static String syntaxMessage(MarkedYAMLException e) {
        StringBuilder sb = new StringBuilder("YAML syntax error: ");
        sb.append(e.getProblem() == null ? "invalid YAML" : e.getProblem());
        if (e.getContext() != null) {
            sb.append(" (").append(e.getContext());
            if (e.getContextMark() != null && e.getProblemMark() != null
                    && e.getContextMark().getLine() != e.getProblemMark().getLine()) {
                sb.append(" at line ").append(e.getContextMark().getLine() + 1);
            }
            sb.append(')');
        }
        return sb.append("; expected valid YAML: check indentation, colons and quotes").toString();
    }

    private static RuleLoadResult failure(String file, String message) {
        return new RuleLoadResult(null, List.of(new RuleError(file, 0, 0, message)));
    }
}
