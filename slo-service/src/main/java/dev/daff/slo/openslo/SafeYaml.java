package dev.daff.slo.openslo;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.representer.Representer;

import dev.daff.kit.json.UnicodeText;
import dev.daff.kit.problem.ProblemException;

/**
 * Reads untrusted YAML into plain maps, lists and scalars only (SafeConstructor: no tags naming classes), within
 * limits that keep an alias bomb, a deeply nested or a huge document from costing more than a refusal, and refuses
 * text that is not Unicode (as {@link UnicodeText} does in JSON); writes maps
 * and lists back as block-style YAML. Nothing here reflects on daff's classes, so it compiles natively as is.
 */
public final class SafeYaml {

    /** Aliases to collections per document: a billion-laughs bomb needs far more, real OpenSLO files none or a few. */
    public static final int MAX_ALIASES = 50;
    /** Nested collections: OpenSLO needs about 10 levels. */
    public static final int MAX_DEPTH = 50;
    /** Characters of the whole upload (besides the HTTP body limit, which counts bytes). */
    public static final int MAX_CODE_POINTS = 1024 * 1024;
    /** Documents in one upload. */
    public static final int MAX_DOCUMENTS = 1_000;
    /**
     * Scalar characters plus collections and scalars, counted as if every alias were written out. Without aliases a
     * document within {@link #MAX_CODE_POINTS} stays under it; SnakeYAML's own alias limit counts only aliases to
     * collections, so a list naming a long scalar many times, doubled a few dozen times, gets past that one.
     */
    public static final long MAX_EXPANDED = 2L * MAX_CODE_POINTS;

    /** A byte order mark starting a line: no text anyone sees, and where a joined-in file's document begins. */
    private static final Pattern LINE_START_BOM = Pattern.compile("(?m)^\uFEFF");

    private SafeYaml() {
    }

    /** Every document of a {@code ---} separated stream; empty documents are left out. 400 problem+json otherwise. */
    static List<Object> loadAll(String text) {
        if (text == null || text.isBlank()) {
            throw ProblemException.badRequest("The body holds no YAML document.");
        }
        // YAML 1.2 allows a byte order mark before each document, and files joined into one upload carry theirs into
        // the middle; SnakeYAML skips only the stream's first and read a later one as part of the next key.
        text = LINE_START_BOM.matcher(text).replaceAll("");
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(MAX_CODE_POINTS);
        options.setAllowDuplicateKeys(false);
        options.setAllowRecursiveKeys(false);
        Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(new DumperOptions()), new DumperOptions(),
                options);
        List<Object> documents = new ArrayList<>();
        try {
            long expanded = 0;
            for (Node document : yaml.composeAll(new StringReader(text))) {
                expanded += expandedSize(document, new IdentityHashMap<>());
                if (expanded > MAX_EXPANDED) {
                    throw tooMuch("more than " + MAX_EXPANDED + " characters and values once its aliases are expanded");
                }
            }
            Iterator<Object> stream = yaml.loadAll(text).iterator();
            while (stream.hasNext()) {
                Object document = stream.next();
                if (document == null) {
                    continue;
                }
                if (documents.size() == MAX_DOCUMENTS) {
                    throw tooMuch("more than " + MAX_DOCUMENTS + " documents");
                }
                documents.add(document);
            }
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
            throw new ProblemException(400, "malformed-yaml", "Malformed YAML",
                    "The body is not valid YAML" + where + ": " + (e.getProblem() == null ? e.getContext() : e.getProblem())
                            + ". Nothing was imported.");
        } catch (YAMLException e) {
            // the loader's limits (aliases, nesting, size) end up here, without a position
            throw tooMuch(limitReason(e.getMessage()));
        } catch (StackOverflowError e) {
            // cannot happen within the nesting limit; kept so a parser surprise is a refusal, never a dead thread
            throw tooMuch("nested too deeply");
        }
        if (documents.isEmpty()) {
            throw ProblemException.badRequest("The body holds no YAML document.");
        }
        return documents;
    }

    /**
     * Walks the composed node graph, before anything builds Java objects from it: refuses collections as mapping keys
     * (building the map hashes the key, all of it however far its aliases expand) and anything whose expanded size
     * passes {@link #MAX_EXPANDED}. An alias is its anchor's node object, so each collection is measured once and its
     * size reused: linear in the text, however far the aliases would expand.
     */
    private static long expandedSize(Node node, IdentityHashMap<Node, Long> measured) {
        Long known = measured.get(node);
        if (known != null) {
            return known;
        }
        if (node instanceof ScalarNode scalar) {
            // Checked once per node, as collections are measured once: an alias to a long scalar, repeated a hundred
            // thousand times within the limits (aliases to scalars are not counted), read it a hundred thousand times.
            String unstorable = unstorable(scalar.getValue());
            if (unstorable != null) {
                Mark mark = scalar.getStartMark();
                throw new ProblemException(400, "malformed-yaml", "Malformed YAML", "The body is not valid YAML at line "
                        + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ": the text holds " + unstorable
                        + ". Nothing was imported.");
            }
            long size = 1L + scalar.getValue().length();
            measured.put(node, size);
            return size;
        }
        // a collection that holds itself expands for ever: met again while measured, it counts as past the limit
        measured.put(node, MAX_EXPANDED + 1);
        long size = 1L;
        if (node instanceof SequenceNode sequence) {
            for (Node item : sequence.getValue()) {
                size = Math.min(size + expandedSize(item, measured), MAX_EXPANDED + 1);
            }
        } else if (node instanceof MappingNode mapping) {
            for (NodeTuple entry : mapping.getValue()) {
                if (!(entry.getKeyNode() instanceof ScalarNode)) {
                    Mark mark = entry.getKeyNode().getStartMark();
                    throw tooMuch("a list or mapping used as a mapping key (written at line " + (mark.getLine() + 1) + ", column "
                            + (mark.getColumn() + 1) + ")");
                }
                size = Math.min(size + expandedSize(entry.getKeyNode(), measured)
                        + expandedSize(entry.getValueNode(), measured), MAX_EXPANDED + 1);
            }
        }
        measured.put(node, size);
        return size;
    }

    /** What in a scalar's text PostgreSQL cannot store as sent, said for the client; null when it can store all of it. */
    private static String unstorable(String text) {
        if (UnicodeText.unpairedSurrogate(text) >= 0) {
            // "\uD800" in a double-quoted scalar is half a surrogate pair, no character: PostgreSQL stored it as '?'
            return "half of a UTF-16 surrogate pair, which is no character";
        }
        if (text.indexOf('\u0000') >= 0) {
            // "\0" or "\x00" in a double-quoted scalar: a dry run answered "created" and the import a database error
            return "a NUL character (U+0000), which PostgreSQL cannot store in text";
        }
        return null;
    }

    private static String limitReason(String message) {
        String text = message == null ? "" : message.toLowerCase(java.util.Locale.ROOT);
        if (text.contains("alias")) {
            return "more than " + MAX_ALIASES + " aliases to collections in one document";
        }
        if (text.contains("nesting")) {
            return "collections nested deeper than " + MAX_DEPTH + " levels";
        }
        if (text.contains("exceeds the limit")) {
            return "more than " + MAX_CODE_POINTS + " characters";
        }
        return "not readable as plain YAML data";
    }

    private static ProblemException tooMuch(String reason) {
        return new ProblemException(400, "yaml-limits", "YAML beyond daff's limits",
                "The YAML was refused: " + reason + " (limits: " + MAX_ALIASES + " aliases, nesting depth " + MAX_DEPTH
                        + ", " + MAX_CODE_POINTS + " characters, " + MAX_DOCUMENTS + " documents). Nothing was imported.");
    }

    /** Block-style YAML of maps, lists and scalars, documents separated by {@code ---}. */
    public static String dumpAll(List<? extends Map<String, Object>> documents) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndicatorIndent(2);
        options.setIndentWithIndicator(true);
        options.setWidth(160);
        options.setExplicitStart(true);
        return new Yaml(options).dumpAll(documents.iterator());
    }
}
