package io.tally.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.config.TallyConfig;
import io.tally.event.Stream;
import io.tally.generate.FileOutput;
import io.tally.generate.GeneratedRecord;
import io.tally.generate.Generator;
import io.tally.generate.GeneratorSettings;
import io.tally.io.DeadLetter;
import io.tally.pipeline.Job;
import io.tally.pipeline.Replay;
import io.tally.testing.KafkaBroker;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CONTRACT sections 1 and 6: a record that is not valid JSON, lacks a required field, has a value out of its domain or
 * is stamped in the future never enters a computation, goes to the dead-letter stream with its reason, and never stops
 * a job.
 *
 * <p>A corpus of {@value #MUTATED} mutated records, each {@link Mutation} applied to records of every input stream,
 * is interleaved with two hours of generated traffic (every mutated record right after the record it was made from,
 * under the same Kafka key). It is replayed, replayed without the mutated records, and sent through Kafka into a job
 * that reads four partitions with two tasks.
 */
class BadInputCorpusTest {
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long HOUR = 3_600_000L;
    private static final int MUTATED = 200 * Mutation.values().length;

    @TempDir
    static Path dir;

    /** One record of the corpus, as bytes; {@code mutation} null for a valid record. */
    record Line(Stream stream, String key, byte[] value, Mutation mutation) {}

    private static List<Line> corpus;
    private static long now;
    private static Path withMutated;
    private static Path withoutMutated;

    @BeforeAll
    static void buildAndReplay() throws Exception {
        now = System.currentTimeMillis();
        GeneratorSettings settings = new GeneratorSettings();
        settings.seed = 23;
        settings.startTs = (now - 3 * HOUR) / HOUR * HOUR; // ends before the wall clock: only FUTURE_TS is ahead of it
        settings.merchants = 4;
        settings.productsPerMerchant = 10;
        settings.creators = 40;
        settings.users = 1_500;
        settings.eventsPerSimulatedSecond = 2;
        Generator generator = new Generator(settings);
        List<Line> valid = new ArrayList<>();
        for (GeneratedRecord r = generator.next(); r.ts() < settings.startTs + 2 * HOUR; r = generator.next()) {
            valid.add(new Line(r.stream(), r.key(), r.json().getBytes(StandardCharsets.UTF_8), null));
        }
        corpus = interleave(valid, new SplittableRandom(23));

        withMutated = replay("with-mutated", corpus);
        withoutMutated = replay("without-mutated", valid);
        Map<Mutation, Long> kinds = corpus.stream().filter(l -> l.mutation() != null)
                .collect(Collectors.groupingBy(Line::mutation, () -> new EnumMap<>(Mutation.class), Collectors.counting()));
        System.out.printf("bad-input corpus: %d valid records, %d mutated: %s%n", valid.size(), MUTATED, kinds);
        assertThat(lines(withoutMutated, Stream.ATTRIBUTIONS)).as("attributions of the valid records").hasSizeGreaterThan(50);
    }

    /** The valid records with {@link #MUTATED} mutated ones, each right after the record it was made from. */
    private static List<Line> interleave(List<Line> valid, SplittableRandom random) {
        Map<Stream, List<Integer>> byStream = new EnumMap<>(Stream.class);
        for (int i = 0; i < valid.size(); i++) byStream.computeIfAbsent(valid.get(i).stream(), s -> new ArrayList<>()).add(i);
        List<Stream> streams = new ArrayList<>(byStream.keySet());
        Map<Integer, List<Line>> after = new TreeMap<>();
        Mutation[] kinds = Mutation.values();
        for (int m = 0; m < MUTATED; m++) {
            Mutation kind = kinds[m % kinds.length];
            List<Integer> candidates = byStream.get(streams.get(random.nextInt(streams.size())));
            int at = candidates.get(random.nextInt(candidates.size()));
            Line original = valid.get(at);
            byte[] value = kind.apply(original.stream(), new String(original.value(), StandardCharsets.UTF_8), now, random);
            after.computeIfAbsent(at, i -> new ArrayList<>()).add(new Line(original.stream(), original.key(), value, kind));
        }
        List<Line> out = new ArrayList<>();
        for (int i = 0; i < valid.size(); i++) {
            out.add(valid.get(i));
            out.addAll(after.getOrDefault(i, List.of()));
        }
        return out;
    }

    @Test
    void everyMutatedRecordIsADeadLetterWithItsReason() throws Exception {
        // What the run with the corpus writes beyond the run without it must be the mutated records' dead letters.
        List<String> beyond = StandaloneClusterIT.minus(lines(withMutated, Stream.DEAD_LETTERS),
                lines(withoutMutated, Stream.DEAD_LETTERS));
        Map<String, List<JsonNode>> byPayload = new TreeMap<>();
        for (String line : beyond) {
            JsonNode d = JSON.readTree(line);
            byPayload.computeIfAbsent(d.get("stream").asText() + " " + d.get("payload").asText(), k -> new ArrayList<>()).add(d);
        }
        List<String> wrong = new ArrayList<>();
        for (Line line : corpus) {
            if (line.mutation() == null) continue;
            String payload = DeadLetter.cut(StandardCharsets.UTF_8.decode(ByteBuffer.wrap(line.value())).toString());
            String what = line.mutation() + " of " + line.stream().wireName();
            List<JsonNode> found = byPayload.getOrDefault(line.stream().wireName() + " " + payload, List.of());
            if (found.isEmpty()) {
                wrong.add(what + " is no dead letter: " + payload);
                continue;
            }
            JsonNode d = found.remove(0);
            if (!d.get("reason").asText().equals(line.mutation().reason.name())) {
                wrong.add(what + ": expected " + line.mutation().reason + ", got " + d + " for " + payload);
            } else if (d.path("detail").asText().isBlank()) {
                wrong.add(what + ": no detail in " + d);
            }
        }
        assertThat(wrong).as("mutated records without their dead letter (%d of %d)", wrong.size(), MUTATED).isEmpty();
        List<JsonNode> unexplained = byPayload.values().stream().flatMap(List::stream).collect(Collectors.toList());
        assertThat(unexplained).as("dead letters of no mutated record, beyond the run without the corpus").isEmpty();
    }

    @Test
    void everyOtherOutputIsByteIdenticalToTheRunWithoutTheCorpus() throws Exception {
        for (Stream s : Replay.OUTPUTS) {
            if (s == Stream.DEAD_LETTERS) continue;
            assertThat(Files.readAllBytes(withMutated.resolve(s.wireName() + ".jsonl")))
                    .as("%s.jsonl", s.wireName())
                    .isEqualTo(Files.readAllBytes(withoutMutated.resolve(s.wireName() + ".jsonl")));
        }
        // The valid records' own dead letters (duplicates, late re-sends, unusable updates) are all still there.
        assertThat(LiveRuns.minus(lines(withoutMutated, Stream.DEAD_LETTERS), lines(withMutated, Stream.DEAD_LETTERS)))
                .as("dead letters of valid records lost among the mutated ones").isEmpty();
    }

    @Test
    void throughKafkaTheCorpusGivesTheReplaysOutputAndTheJobKeepsRunning() throws Exception {
        LiveRuns live = new LiveRuns(KAFKA, dir);
        TallyConfig config = live.config("corpus", 2);
        live.createTopics(config);
        send(config);
        JobClient job = live.start(config, Job.ALL);
        live.drainOnceRead(job, config, Job.ALL);
        Map<Stream, List<String>> expected = new EnumMap<>(Stream.class);
        for (Stream s : Replay.OUTPUTS) expected.put(s, LiveRuns.comparable(s, lines(withMutated, s)));
        live.assertOutputsEqual(config, expected, Replay.OUTPUTS);
    }

    // ---- corpus files and topics ----

    private static Path replay(String name, List<Line> lines) throws Exception {
        Path in = dir.resolve(name).resolve("in");
        Files.createDirectories(in);
        Map<Stream, OutputStream> files = new EnumMap<>(Stream.class);
        try {
            for (Stream s : Stream.values()) if (s.isInput()) files.put(s, Files.newOutputStream(FileOutput.file(in, s)));
            for (Line line : lines) {
                OutputStream out = files.get(line.stream());
                out.write(line.value());
                out.write('\n');
            }
        } finally {
            for (OutputStream out : files.values()) out.close();
        }
        Path out = dir.resolve(name).resolve("out");
        Replay.run(in, out, LiveRuns.replayConfig(), 2, now);
        return out;
    }

    /** The corpus in order, as bytes, keyed as the generator keys each record. */
    private static void send(TallyConfig config) throws Exception {
        Properties props = Traffic.producerProperties(KAFKA.clientProperties());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            List<Future<?>> acks = new ArrayList<>();
            for (Line line : corpus) {
                acks.add(producer.send(new ProducerRecord<>(config.topic(line.stream()), line.key(), line.value())));
            }
            producer.flush();
            for (Future<?> ack : acks) ack.get();
        }
    }

    private static List<String> lines(Path out, Stream s) throws IOException {
        return Files.readAllLines(out.resolve(s.wireName() + ".jsonl"), StandardCharsets.UTF_8);
    }
}
