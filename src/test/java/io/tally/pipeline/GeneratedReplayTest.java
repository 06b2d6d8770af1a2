package io.tally.pipeline;

import io.tally.SchemaSupport;
import io.tally.config.TallyConfig;
import io.tally.event.Stream;
import io.tally.generate.FileOutput;
import io.tally.generate.Generator;
import io.tally.generate.GeneratorSettings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replay of a generated data set: every output file is identical at parallelism 1 and 4, every stream is exercised,
 * and the generator's records and every output record validate against schemas/.
 */
class GeneratedReplayTest {
    @TempDir
    static Path dir;

    static Map<Stream, Long> countsAt1;
    static Map<Stream, Long> countsAt4;

    @BeforeAll
    static void replayTwice() throws Exception {
        GeneratorSettings settings = new GeneratorSettings();
        settings.seed = 7;
        settings.eventsPerSimulatedSecond = 20; // sparse: 60k events span hours, so orders, updates and alerts happen
        settings.invalid = 0; // every generated line is then a valid record; duplicates still make dead letters
        FileOutput.write(new Generator(settings), dir.resolve("in"), 60_000);
        countsAt1 = Replay.run(dir.resolve("in"), dir.resolve("out1"), new TallyConfig(), 1);
        countsAt4 = Replay.run(dir.resolve("in"), dir.resolve("out4"), new TallyConfig(), 4);
    }

    @Test
    void outputsDoNotDependOnParallelism() throws Exception {
        assertThat(countsAt4).isEqualTo(countsAt1);
        for (Stream output : Replay.OUTPUTS) {
            String name = output.wireName() + ".jsonl";
            assertThat(Files.readAllLines(dir.resolve("out4").resolve(name)))
                    .as(name).isEqualTo(Files.readAllLines(dir.resolve("out1").resolve(name)));
        }
    }

    @Test
    void everyOutputIsExercised() {
        assertThat(countsAt1.get(Stream.ATTRIBUTIONS)).isPositive();
        assertThat(countsAt1.get(Stream.ATTRIBUTIONS_SHADOW)).isPositive();
        assertThat(countsAt1.get(Stream.KPIS)).isPositive();
        assertThat(countsAt1.get(Stream.DEAD_LETTERS)).isPositive();
    }

    @Test
    void generatedInputsAndEveryOutputMatchTheirSchemas() throws Exception {
        for (Stream input : Stream.values()) {
            Path file = dir.resolve("in").resolve(input.wireName() + ".jsonl");
            if (input.isInput() && Files.exists(file)) SchemaSupport.assertValidLines(input.wireName(), file);
        }
        for (Stream output : Replay.OUTPUTS) {
            SchemaSupport.assertValidLines(output.wireName(), dir.resolve("out1").resolve(output.wireName() + ".jsonl"));
        }
    }
}
