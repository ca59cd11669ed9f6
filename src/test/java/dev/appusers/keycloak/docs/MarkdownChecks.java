package dev.appusers.keycloak.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks of the project's Markdown pages: relative links that point at no file or no heading, and class names in
 * backticks that name no class. Fenced code blocks are not read (a {@code #} there is a shell comment, not a heading),
 * and inline code spans hold no links.
 */
final class MarkdownChecks {

    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern CODE_SPAN = Pattern.compile("`([^`\\n]+)`");
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");
    /** CamelCase of at least two words, as class names are written; {@code *} stands for any part of the name. */
    private static final Pattern CLASS_NAME = Pattern.compile("^\\*?[A-Z][a-z0-9]+(?:\\*?[A-Z][A-Za-z0-9]*)+\\*?$");

    private MarkdownChecks() {
    }

    /** The lines of {@code text} outside fenced code blocks; a line inside one is blank, so numbers stay right. */
    static List<String> prose(String text) {
        List<String> lines = new ArrayList<>();
        boolean fenced = false;
        for (String line : text.split("\n", -1)) {
            boolean fence = line.stripLeading().startsWith("```") || line.stripLeading().startsWith("~~~");
            if (fence) {
                fenced = !fenced;
            }
            lines.add(fence || fenced ? "" : line);
        }
        return lines;
    }

    /** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
    static String slug(String heading) {
        String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1").toLowerCase(Locale.ROOT);
        StringBuilder slug = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                slug.appendCodePoint(c);
            } else if (c == ' ') {
                slug.append('-');
            }
        });
        return slug.toString();
    }

    /** The anchors of a page's headings, a repeated heading's with {@code -1}, {@code -2}, ... as GitHub numbers them. */
    static Set<String> anchors(String text) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : prose(text)) {
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                String slug = slug(heading.group(1));
                int count = seen.merge(slug, 1, Integer::sum);
                anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
            }
        }
        return anchors;
    }

    /** Every relative link of {@code page} whose file does not exist, or whose {@code #anchor} is no heading there. */
    static List<String> brokenLinks(Path page) {
        List<String> broken = new ArrayList<>();
        List<String> lines = prose(read(page));
        for (int i = 0; i < lines.size(); i++) {
            Matcher link = LINK.matcher(CODE_SPAN.matcher(lines.get(i)).replaceAll(""));
            while (link.find()) {
                String target = link.group(1);
                if (SCHEME.matcher(target).find() || target.startsWith("/")) {
                    continue;
                }
                String problem = problem(page, target);
                if (problem != null) {
                    broken.add(page + ":" + (i + 1) + ": " + target + ": " + problem);
                }
            }
        }
        return broken;
    }

    private static String problem(Path page, String target) {
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        Path resolved = file.isEmpty() ? page : page.toAbsolutePath().getParent().resolve(file).normalize();
        if (!Files.exists(resolved)) {
            return "no such file";
        }
        if (hash < 0) {
            return null;
        }
        if (!resolved.toString().endsWith(".md")) {
            return "an anchor in a file that is not Markdown";
        }
        return anchors(read(resolved)).contains(target.substring(hash + 1)) ? null : "no such heading";
    }

    /** Class names in backticks on {@code page} that match none of {@code known} ({@code *} in a name matches any). */
    static List<String> unknownClassNames(Path page, Set<String> known) {
        List<String> unknown = new ArrayList<>();
        List<String> lines = prose(read(page));
        for (int i = 0; i < lines.size(); i++) {
            Matcher span = CODE_SPAN.matcher(lines.get(i));
            while (span.find()) {
                String name = span.group(1);
                if (CLASS_NAME.matcher(name).matches() && !matchesAny(name, known)) {
                    unknown.add(page + ":" + (i + 1) + ": " + name);
                }
            }
        }
        return unknown;
    }

    private static boolean matchesAny(String name, Set<String> known) {
        if (!name.contains("*")) {
            return known.contains(name);
        }
        Pattern glob = Pattern.compile(Pattern.quote(name).replace("*", "\\E.*\\Q"));
        return known.stream().anyMatch(k -> glob.matcher(k).matches());
    }

    /** Why {@code file} is too large, or null when it has at most {@code limit} bytes. */
    static String oversize(Path file, int limit) {
        try {
            long size = Files.size(file);
            return size <= limit ? null : file + " has " + size + " bytes, over " + limit + ": move detail into docs/";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
