package dev.appusers.keycloak.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Dockerfile read as its instructions, enough for the checks here: continuation lines joined, comments dropped,
 * each instruction numbered by its stage (-1 before the first {@code FROM}).
 */
record Dockerfile(List<Dockerfile.Instruction> instructions) {

    record Instruction(int stage, String keyword, String arguments) {
    }

    static Dockerfile read(Path file) throws IOException {
        List<Instruction> instructions = new ArrayList<>();
        int stage = -1;
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(file)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
                continue;
            }
            boolean continues = trimmed.endsWith("\\");
            current.append(continues ? trimmed.substring(0, trimmed.length() - 1) : trimmed).append(' ');
            if (continues) {
                continue;
            }
            String[] parts = current.toString().strip().split("\\s+", 2);
            String keyword = parts[0].toUpperCase(Locale.ROOT);
            if (keyword.equals("FROM")) {
                stage++;
            }
            instructions.add(new Instruction(stage, keyword, parts.length > 1 ? parts[1] : ""));
            current.setLength(0);
        }
        return new Dockerfile(List.copyOf(instructions));
    }

    List<Instruction> all(String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    List<Instruction> inStage(int stage, String keyword) {
        return all(keyword).stream().filter(i -> i.stage() == stage).toList();
    }

    int stages() {
        return all("FROM").size();
    }

    /** {@code ARG name[=default]} of one stage (-1: before the first FROM), name to default ("" when none). */
    Map<String, String> args(int stage) {
        Map<String, String> args = new LinkedHashMap<>();
        for (Instruction arg : inStage(stage, "ARG")) {
            String[] kv = arg.arguments().split("=", 2);
            args.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        return args;
    }

    /** {@code ENV key=value ...} (and the old {@code ENV key value}) of one stage, in order. */
    Map<String, String> env(int stage) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Instruction e : inStage(stage, "ENV")) {
            if (!e.arguments().split("\\s+")[0].contains("=")) {
                String[] kv = e.arguments().split("\\s+", 2);
                env.put(kv[0], kv.length > 1 ? kv[1] : "");
                continue;
            }
            for (String pair : e.arguments().split("\\s+")) {
                String[] kv = pair.split("=", 2);
                env.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        return env;
    }

    /** A stage's value with its {@code ${ARG}} references replaced by the ARG defaults, as a plain build sees it. */
    String resolve(int stage, String value) {
        String resolved = value;
        for (Map.Entry<String, String> arg : args(stage).entrySet()) {
            resolved = resolved.replace("${" + arg.getKey() + "}", arg.getValue());
        }
        return resolved;
    }
}
