package dev.appusers.keycloak.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The benchmark's output: Markdown printed as it goes and written to {@code target/bench-server/report.md}. */
final class Report {

    private final Path file;
    private final List<String> lines = new ArrayList<>();

    Report(Path file) {
        this.file = file;
    }

    void heading(String text) {
        line("");
        line("## " + text);
        line("");
    }

    void table(String... header) {
        line("| " + String.join(" | ", header) + " |");
        line("|" + "---|".repeat(header.length));
    }

    void row(Object... cells) {
        List<String> text = new ArrayList<>();
        for (Object cell : cells) {
            text.add(String.valueOf(cell));
        }
        line("| " + String.join(" | ", text) + " |");
    }

    synchronized void line(String text) {
        System.out.println(text);
        lines.add(text);
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, lines);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file, e);
        }
    }

    static String ms(long micros) {
        return String.format("%.1f ms", micros / 1000.0);
    }

    static String ratio(double value) {
        return String.format("%.2f", value);
    }
}
