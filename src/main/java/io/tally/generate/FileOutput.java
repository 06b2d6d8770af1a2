package io.tally.generate;

import io.tally.event.Stream;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Replay files: {@code DIR/<stream>.jsonl}, one JSON object per line, for every input stream (a stream without
 * records gets an empty file). Existing files are replaced.
 *
 * <pre>{@code
 * Map<Stream, Long> counts = FileOutput.write(new Generator(settings), dir, 1_000_000);
 * }</pre>
 */
public final class FileOutput implements AutoCloseable {
    private final Map<Stream, Writer> writers = new EnumMap<>(Stream.class);
    private final Map<Stream, Long> counts = new EnumMap<>(Stream.class);

    /** Creates DIR if needed and one (empty) file per input stream. */
    public FileOutput(Path dir) throws IOException {
        Files.createDirectories(dir);
        try {
            for (Stream stream : Stream.values()) {
                if (!stream.isInput()) continue;
                writers.put(stream, Files.newBufferedWriter(file(dir, stream), StandardCharsets.UTF_8));
                counts.put(stream, 0L);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The replay file of a stream in DIR. */
    public static Path file(Path dir, Stream stream) {
        return dir.resolve(stream.wireName() + ".jsonl");
    }

    /** The first {@code maxEvents} records of the generator (reference data included). */
    public static Map<Stream, Long> write(Generator generator, Path dir, long maxEvents) throws IOException {
        try (FileOutput out = new FileOutput(dir)) {
            for (long i = 0; i < maxEvents; i++) out.write(generator.next());
            return out.counts();
        }
    }

    /**
     * Every record with ts before {@code startTs + simulated}. Reads on past that end by the disorder bound so that
     * late-emitted records of the period are kept.
     */
    public static Map<Stream, Long> write(Generator generator, Path dir, Duration simulated) throws IOException {
        long end = generator.startTs() + simulated.toMillis();
        long readUntil = end + generator.settings().disorderMs;
        try (FileOutput out = new FileOutput(dir)) {
            while (true) {
                GeneratedRecord record = generator.next();
                if (record.ts() >= readUntil) break;
                if (record.ts() < end) out.write(record);
            }
            return out.counts();
        }
    }

    public void write(GeneratedRecord record) throws IOException {
        Writer w = writers.get(record.stream());
        w.write(record.json());
        w.write('\n');
        counts.merge(record.stream(), 1L, Long::sum);
    }

    /** Records written so far per input stream (every input stream present). */
    public Map<Stream, Long> counts() {
        return new EnumMap<>(counts);
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (Writer w : writers.values()) {
            try {
                w.close();
            } catch (IOException e) {
                if (first == null) first = e;
            }
        }
        writers.clear();
        if (first != null) throw first;
    }
}
