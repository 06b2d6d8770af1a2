package io.tally.generate;

import io.tally.event.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Replay files: deterministic, one per input stream, one JSON object per line. */
class FileOutputTest {
    private static final long EVENTS = 30_000;

    private static GeneratorSettings settings(long seed) {
        GeneratorSettings s = new GeneratorSettings();
        s.seed = seed;
        s.invalid = 0.002;
        return s;
    }

    @Test
    void sameSeedWritesIdenticalFiles(@TempDir Path dir) throws IOException {
        Map<Stream, Long> first = FileOutput.write(new Generator(settings(7)), dir.resolve("a"), EVENTS);
        Map<Stream, Long> second = FileOutput.write(new Generator(settings(7)), dir.resolve("b"), EVENTS);
        assertThat(second).isEqualTo(first);
        assertThat(first.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(EVENTS);
        for (Stream stream : Stream.values()) {
            if (!stream.isInput()) continue;
            byte[] a = Files.readAllBytes(FileOutput.file(dir.resolve("a"), stream));
            byte[] b = Files.readAllBytes(FileOutput.file(dir.resolve("b"), stream));
            assertThat(b).as(stream.wireName()).isEqualTo(a);
        }
    }

    @Test
    void differentSeedWritesDifferentFiles(@TempDir Path dir) throws IOException {
        FileOutput.write(new Generator(settings(7)), dir.resolve("a"), EVENTS);
        FileOutput.write(new Generator(settings(8)), dir.resolve("b"), EVENTS);
        for (Stream stream : List.of(Stream.VIEWS, Stream.PRODUCTS, Stream.CREATORS, Stream.COMMISSION_RULES)) {
            assertThat(Files.readAllBytes(FileOutput.file(dir.resolve("b"), stream)))
                    .as(stream.wireName())
                    .isNotEqualTo(Files.readAllBytes(FileOutput.file(dir.resolve("a"), stream)));
        }
    }

    @Test
    void everyInputStreamGetsAFileEvenWhenEmpty(@TempDir Path dir) throws IOException {
        Map<Stream, Long> counts = FileOutput.write(new Generator(settings(7)), dir, 10);
        for (Stream stream : Stream.values()) {
            assertThat(Files.exists(FileOutput.file(dir, stream))).as(stream.wireName()).isEqualTo(stream.isInput());
        }
        assertThat(counts).containsEntry(Stream.VIEWS, 0L).containsEntry(Stream.PRODUCTS, 10L);
        assertThat(Files.readAllLines(FileOutput.file(dir, Stream.VIEWS))).isEmpty();
        assertThat(Files.readAllLines(FileOutput.file(dir, Stream.PRODUCTS))).hasSize(10)
                .allSatisfy(line -> assertThat(line).startsWith("{\"productId\":\"p-").endsWith("}"));
    }

    @Test
    void simulatedDurationKeepsEveryRecordOfThePeriodAndNothingAfter(@TempDir Path dir) throws IOException {
        GeneratorSettings s = settings(7);
        s.invalid = 0;
        Generator generator = new Generator(s);
        long end = generator.startTs() + 10_000;
        Map<Stream, Long> counts = FileOutput.write(generator, dir, Duration.ofSeconds(10));

        long expectedViews = 0;
        Generator again = new Generator(s);
        for (int i = 0; i < 40_000; i++) {
            GeneratedRecord r = again.next();
            if (r.stream() == Stream.VIEWS && r.ts() < end) expectedViews++;
        }
        assertThat(counts.get(Stream.VIEWS)).isEqualTo(expectedViews).isGreaterThan(10_000);
        for (String line : Files.readAllLines(FileOutput.file(dir, Stream.CLICKS))) {
            assertThat(Long.parseLong(line.replaceAll(".*\"ts\":(\\d+).*", "$1"))).isLessThan(end);
        }
    }

    @Test
    void invalidSettingsAreRejectedByName() {
        GeneratorSettings s = new GeneratorSettings();
        s.disorderMs = GeneratorSettings.WATERMARK_BOUND_MS;
        assertThatThrownBy(() -> new Generator(s)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("disorderMs");
    }
}
