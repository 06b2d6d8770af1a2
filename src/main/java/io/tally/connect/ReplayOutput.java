package io.tally.connect;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the part files of a replay into {@code OUT/<name>.jsonl}: all lines of all parts, sorted, so that the files
 * do not depend on parallelism or on timing. Lines are JSON objects whose first fields are their natural keys
 * (orderId, lineId, ts; dimension, key, window; stream, reason), so the sorted file groups related records; alerts are
 * sorted by ts, so the file reads as the story of each alert.
 */
public final class ReplayOutput {
    /** Alerts read as a story: by ts (the end of the slot that changed them), then as text. */
    private static final Comparator<String> BY_TS_THEN_TEXT =
            Comparator.comparingLong(ReplayOutput::alertTs).thenComparing(Comparator.naturalOrder());
    private static final Pattern TS = Pattern.compile("\"ts\":(-?\\d+)");

    private ReplayOutput() {}

    private static long alertTs(String line) {
        Matcher m = TS.matcher(line);
        long ts = Long.MIN_VALUE;
        while (m.find()) ts = Long.parseLong(m.group(1)); // the last "ts" field is the record's own
        return ts;
    }

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
        lines.sort(name.equals("alerts") ? BY_TS_THEN_TEXT : Comparator.naturalOrder());
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
