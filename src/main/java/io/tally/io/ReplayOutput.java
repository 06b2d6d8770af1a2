package io.tally.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the part files of a replay into {@code OUT/<name>.jsonl}: all lines of all parts, sorted, so that the files
 * do not depend on parallelism or on timing. Lines are JSON objects whose first fields are their natural keys
 * (orderId, lineId, ts; dimension, key, window; alertId; stream, reason), so the sorted file groups related records.
 */
public final class ReplayOutput {
    private ReplayOutput() {}

    /** Merges {@code partsDir/<name>.part-*} into {@code outDir/<name>.jsonl}; returns the number of lines. */
    public static long merge(Path partsDir, String name, Path outDir) throws IOException {
        List<String> lines = new ArrayList<>();
        if (Files.isDirectory(partsDir)) {
            try (DirectoryStream<Path> parts = Files.newDirectoryStream(partsDir, name + ".part-*")) {
                for (Path part : parts) {
                    lines.addAll(Files.readAllLines(part, StandardCharsets.UTF_8));
                }
            }
        }
        lines.sort(null);
        Files.createDirectories(outDir);
        try (BufferedWriter w = Files.newBufferedWriter(outDir.resolve(name + ".jsonl"), StandardCharsets.UTF_8)) {
            for (String line : lines) {
                w.write(line);
                w.write('\n');
            }
        }
        return lines.size();
    }
}
