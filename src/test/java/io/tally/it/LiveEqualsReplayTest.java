package io.tally.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tally.config.TallyConfig;
import io.tally.event.Stream;
import io.tally.generate.GeneratedRecord;
import io.tally.generate.Generator;
import io.tally.generate.GeneratorSettings;
import io.tally.pipeline.Job;
import io.tally.pipeline.Replay;
import io.tally.testing.KafkaBroker;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CONTRACT section 7 (v1.1): the jobs reading Kafka produce exactly the replay's output for the same records, whatever
 * the number of partitions per task, the parallelism, and whether they read a backlog at full speed or live traffic.
 *
 * <p>Generated traffic of every stream (2.5 hours, with duplicates, invalid lines and three records stamped in the
 * future) goes into topics of 4 partitions, keyed as producers key it; the same records in the same order make the
 * replay files. Each job runs with its default event-time settings but a 1 s idleness, so that a partition taken for
 * idle while it still has a backlog would show. Once a job's consumer group has committed the end of every topic it
 * reads, it is stopped with a draining savepoint (the watermark runs to the end, as at the end of a replay), and every
 * committed output is compared with the replay's, record for record (a FUTURE dead letter's detail, which names its
 * arrival time, aside).
 */
class LiveEqualsReplayTest {
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long HOUR = 3_600_000L;
    private static final long DAY = 24 * HOUR;

    @TempDir
    static Path dir;

    private static LiveRuns live;
    private static List<Traffic.Input> records;
    /** The same records without the three stamped in the future. */
    private static List<Traffic.Input> withoutFuture;
    private static long replayNow;
    /** Replay's outputs, by output stream: each a sorted list of comparable lines. */
    private static Map<Stream, List<String>> replay;

    @BeforeAll
    static void generateAndReplay() throws Exception {
        live = new LiveRuns(KAFKA, dir);
        long now = System.currentTimeMillis();
        GeneratorSettings settings = new GeneratorSettings();
        settings.seed = 18;
        // Event time ends a little before the wall clock, so that the future records below are in the future of
        // their arrival both in the replay (now) and on Kafka (the append time).
        settings.startTs = (now - 3 * HOUR) / HOUR * HOUR;
        settings.merchants = 4;
        settings.productsPerMerchant = 10;
        settings.creators = 40;
        settings.users = 1_500;
        settings.eventsPerSimulatedSecond = 2.5;
        settings.invalid = 0.002;
        Generator generator = new Generator(settings);
        long end = settings.startTs + (long) (2.5 * HOUR);
        records = new ArrayList<>();
        for (GeneratedRecord r = generator.next(); r.ts() < end; r = generator.next()) {
            records.add(new Traffic.Input(r.stream(), null, r.key(), r.json(), r.ts()));
        }
        withoutFuture = List.copyOf(records);
        addFutureRecords(records);
        replayNow = now;

        Path in = dir.resolve("in");
        Traffic.writeReplayFiles(in, List.of(records));
        Replay.run(in, dir.resolve("replay"), LiveRuns.replayConfig(), 2, now);
        replay = new EnumMap<>(Stream.class);
        for (Stream s : Replay.OUTPUTS) {
            replay.put(s, LiveRuns.comparable(s, Files.readAllLines(dir.resolve("replay").resolve(s.wireName() + ".jsonl"))));
        }
        System.out.printf("live-equals-replay data set: %d records; replay: %s%n", records.size(),
                replay.entrySet().stream().map(e -> e.getKey().wireName() + "=" + e.getValue().size())
                        .collect(Collectors.joining(" ")));
        // The data set exercises every output, and the three future records are FUTURE dead letters.
        assertThat(replay.get(Stream.ATTRIBUTIONS)).as("attributions of %d records", records.size()).hasSizeGreaterThan(100);
        assertThat(replay.get(Stream.KPIS)).hasSizeGreaterThan(1_000);
        assertThat(replay.get(Stream.ALERTS)).isNotEmpty();
        assertThat(replay.get(Stream.DEAD_LETTERS).stream().filter(d -> d.contains("\"FUTURE\"")).count())
                .isEqualTo(3);
    }

    /** A view ten years ahead, a click two days ahead and a product version a year ahead, among the first records. */
    private static void addFutureRecords(List<Traffic.Input> records) {
        Map<Stream, Traffic.Input> first = new EnumMap<>(Stream.class);
        for (Traffic.Input r : records) first.putIfAbsent(r.stream(), r);
        long last = records.get(records.size() - 1).ts();
        records.add(records.size() / 3, future(first.get(Stream.VIEWS), "eventId", last + 3_650 * DAY));
        records.add(records.size() / 2, future(first.get(Stream.CLICKS), "eventId", last + 2 * DAY));
        records.add(records.size() / 4, future(first.get(Stream.PRODUCTS), null, last + 365 * DAY));
    }

    private static Traffic.Input future(Traffic.Input r, String idField, long ts) {
        try {
            ObjectNode node = (ObjectNode) JSON.readTree(r.json());
            node.put("ts", ts);
            if (idField != null) node.put(idField, "future-" + node.get(idField).asText());
            return new Traffic.Input(r.stream(), null, r.key(), JSON.writeValueAsString(node), ts);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void recordsStampedInTheFutureAreFutureDeadLettersAndChangeNothingElse() throws Exception {
        Path in = dir.resolve("in-without-future");
        Traffic.writeReplayFiles(in, List.of(withoutFuture));
        Path out = dir.resolve("replay-without-future");
        Replay.run(in, out, LiveRuns.replayConfig(), 2, replayNow);
        for (Stream s : Replay.OUTPUTS) {
            List<String> expected = LiveRuns.comparable(s, Files.readAllLines(out.resolve(s.wireName() + ".jsonl")));
            List<String> actual = new ArrayList<>(replay.get(s));
            if (s == Stream.DEAD_LETTERS) actual.removeIf(d -> d.contains("\"reason\":\"FUTURE\""));
            assertThat(actual).as(s.wireName()).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "parallelism {0}")
    @ValueSource(ints = {1, 2, 3})
    void aBacklogReadThroughMorePartitionsThanTasksGivesTheReplaysOutput(int parallelism) throws Exception {
        TallyConfig config = live.config("backlog-" + parallelism, parallelism);
        live.createTopics(config);
        produce(config, 0);
        JobClient job = live.start(config, Job.ALL);
        live.drainOnceRead(job, config, Job.ALL);
        live.assertOutputsEqual(config, replay, Replay.OUTPUTS);
    }

    @Test
    void liveTrafficAtASteadyRateGivesTheReplaysOutput() throws Exception {
        TallyConfig config = live.config("live", 2);
        live.createTopics(config);
        JobClient job = live.start(config, Job.ALL);
        produce(config, 2_000);
        live.drainOnceRead(job, config, Job.ALL);
        live.assertOutputsEqual(config, replay, Replay.OUTPUTS);
    }

    @Test
    void theThreeJobsDeployedApartGiveTheReplaysOutput() throws Exception {
        TallyConfig attribution = live.config("apart", 2);
        live.createTopics(attribution);
        produce(attribution, 0);
        TallyConfig kpis = live.copy(attribution, "apart-kpis");
        TallyConfig alerts = live.copy(attribution, "apart-alerts");
        JobClient attributionJob = live.start(attribution, Job.ATTRIBUTION);
        JobClient kpiJob = live.start(kpis, Job.KPIS);
        JobClient alertJob = live.start(alerts, Job.ALERTS);
        // Each job is drained once it has read all its inputs, upstream first, as an operator stops a pipeline.
        live.drainOnceRead(attributionJob, attribution, Job.ATTRIBUTION);
        live.drainOnceRead(kpiJob, kpis, Job.KPIS);
        live.drainOnceRead(alertJob, alerts, Job.ALERTS);
        live.assertOutputsEqual(attribution, replay, Replay.OUTPUTS);
    }

    // ---- data ----

    /** The records in order, keyed as the generator keys them; {@code perSecond} 0: all at once (a backlog). */
    private static void produce(TallyConfig config, double perSecond) throws Exception {
        try (Traffic.Sender sender = new Traffic.Sender(KAFKA.clientProperties(), config)) {
            sender.send(records, perSecond);
        }
    }
}
