package io.tally.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tally.config.ConfigLoader;
import io.tally.config.TallyConfig;
import io.tally.event.Stream;
import io.tally.local.Topics;
import io.tally.pipeline.Environments;
import io.tally.pipeline.Ingest;
import io.tally.pipeline.Job;
import io.tally.pipeline.KafkaSinks;
import io.tally.pipeline.TallyPipeline;
import io.tally.testing.KafkaBroker;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.assertj.core.api.SoftAssertions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tally's jobs reading and writing a test's Kafka broker on a MiniCluster, stopped once they have read everything, and
 * their committed output compared with a replay's (CONTRACT section 7): what the tests of live = replay share.
 */
final class LiveRuns {
    static final int PARTITIONS = 4;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    private final KafkaBroker kafka;
    private final Path dir;

    LiveRuns(KafkaBroker kafka, Path dir) {
        this.kafka = kafka;
        this.dir = dir;
    }

    /**
     * The defaults, as replay runs them (the integration tests' job settings drop shadow models), with alert rules:
     * the alerts job's default rules evaluated on final records only (an early rule may fire on an open window,
     * which depends on timing), and a busy-creator rule that fires and resolves often.
     */
    static TallyConfig replayConfig() {
        TallyConfig config = new TallyConfig();
        config.alerts.rules = alertRules();
        return config;
    }

    private static List<Map<String, Object>> alertRules() {
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Map<String, Object> rule : ConfigLoader.load(Path.of("jobs/alerts.yaml")).alerts.rules) {
            Map<String, Object> r = new LinkedHashMap<>(rule);
            r.put("early", false);
            rules.add(r);
        }
        rules.add(new LinkedHashMap<>(Map.of("ruleId", "busy-creator", "ts", 0, "dimension", "CREATOR",
                "window", "1m", "metric", "clicks", "op", ">=", "threshold", 3)));
        return rules;
    }

    /**
     * A job of its own topics ({@code name.<stream>}), with {@link #replayConfig()}'s rules and shadow models, and a 1 s
     * idleness, so that a partition taken for idle while it still has a backlog would show.
     */
    TallyConfig config(String name, int parallelism) {
        TallyConfig config = TestJobs.config(kafka, dir.resolve(name), name, parallelism);
        TallyConfig replay = replayConfig();
        config.attribution.shadowModels = replay.attribution.shadowModels;
        config.alerts.rules = replay.alerts.rules;
        config.time.sourceIdleness = Duration.ofSeconds(1);
        for (Stream s : Stream.values()) config.topics.put(s.wireName(), name + "." + s.wireName());
        return config;
    }

    /** Another job of the same deployment: same topics, its own group and transactional ids. */
    TallyConfig copy(TallyConfig config, String name) {
        TallyConfig c = TestJobs.config(kafka, dir.resolve(name), name, config.job.parallelism);
        c.attribution.shadowModels = config.attribution.shadowModels;
        c.alerts.rules = config.alerts.rules;
        c.time.sourceIdleness = config.time.sourceIdleness;
        c.topics.putAll(config.topics);
        return c;
    }

    void createTopics(TallyConfig config) {
        Topics.createAll(kafka.admin(), config, PARTITIONS);
    }

    JobClient start(TallyConfig config, Job job) throws Exception {
        return start(config, job, null);
    }

    /** The job restored from a savepoint (null: from empty state); every operator's state in it must be taken. */
    JobClient start(TallyConfig config, Job job, Path savepoint) throws Exception {
        Configuration restore = new Configuration();
        if (savepoint != null) {
            restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint.toUri().toString());
            restore.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, false);
        }
        StreamExecutionEnvironment env = Environments.create(config, Environments.Mode.LOCAL, restore);
        TallyPipeline.build(job, Ingest.kafka(env, config, false), config, true).writeTo(new KafkaSinks(config));
        return env.executeAsync(config.job.name);
    }

    /**
     * Waits until the job's consumer group has committed (on a checkpoint) the end of every partition it reads, then
     * stops it with a draining savepoint: the watermark runs to the end, as it does at the end of a replay.
     */
    void drainOnceRead(JobClient job, TallyConfig config, Job which) throws Exception {
        stopOnceRead(job, config, which, true);
    }

    /**
     * Waits as {@link #drainOnceRead} does, then stops the job with a savepoint, drained (event time runs to the end)
     * or not (windows stay open in the savepoint), and returns the savepoint's path.
     */
    Path stopOnceRead(JobClient job, TallyConfig config, Job which, boolean drain) throws Exception {
        Map<TopicPartition, Long> ends = new HashMap<>();
        for (Stream s : which.inputs()) ends.putAll(lastRecordEnds(config.topic(s)));
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            Map<TopicPartition, OffsetAndMetadata> committed = kafka.admin()
                    .listConsumerGroupOffsets(config.kafka.groupId).partitionsToOffsetAndMetadata().get();
            List<TopicPartition> behind = ends.entrySet().stream()
                    .filter(e -> committed.get(e.getKey()) == null || committed.get(e.getKey()).offset() < e.getValue())
                    .map(Map.Entry::getKey).collect(Collectors.toList());
            if (behind.isEmpty()) break;
            assertThat(System.nanoTime()).as("%s still behind on %s", config.job.name, behind).isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
        String savepoint = job.stopWithSavepoint(drain, dir.resolve("savepoints").toUri().toString(),
                SavepointFormatType.CANONICAL).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        return Path.of(URI.create(savepoint.startsWith("file:") ? savepoint : "file://" + savepoint));
    }

    /**
     * For each non-empty partition of the topic: the offset after its last committed record, which a consumer that
     * read it all commits (a transaction marker after it takes an offset of its own, which nobody commits).
     */
    private Map<TopicPartition, Long> lastRecordEnds(String topic) {
        Map<TopicPartition, Long> ends = new HashMap<>();
        for (ConsumerRecord<String, String> r : kafka.readAll(topic)) {
            ends.merge(new TopicPartition(r.topic(), r.partition()), r.offset() + 1, Math::max);
        }
        return ends;
    }

    /** Every committed output of the job's topics equals the expected lines ({@link #comparable} forms, by stream). */
    void assertOutputsEqual(TallyConfig config, Map<Stream, List<String>> expected, List<Stream> outputs) {
        SoftAssertions softly = new SoftAssertions();
        for (Stream s : outputs) {
            List<String> live = comparable(s, kafka.readAllValues(config.topic(s)));
            softly.assertThat(minus(live, expected.get(s)))
                    .as("%s: %s records live and not in replay", config.job.name, s.wireName()).isEmpty();
            softly.assertThat(minus(expected.get(s), live))
                    .as("%s: %s records in replay and not live", config.job.name, s.wireName()).isEmpty();
        }
        softly.assertAll();
    }

    /**
     * Lines that can be compared across replay and Kafka, sorted: KPI records final only (the topic also holds updates
     * of open windows), dead letters without their Kafka coordinates (replay files have none).
     */
    static List<String> comparable(Stream stream, List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank()) continue;
            try {
                ObjectNode node = (ObjectNode) JSON.readTree(line);
                if (stream == Stream.KPIS && !node.path("final").asBoolean()) continue;
                if (stream == Stream.DEAD_LETTERS) {
                    node.remove(Set.of("topic", "partition", "offset"));
                    // A FUTURE record's detail names its arrival time, which differs between replay and Kafka.
                    if ("FUTURE".equals(node.path("reason").asText())) node.remove("detail");
                }
                out.add(JSON.writeValueAsString(new TreeMap<>(JSON.convertValue(node, Map.class))));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        out.sort(null);
        return out;
    }

    /** a minus b, as multisets; a long difference summed up by its size and first records. */
    static List<String> minus(List<String> a, List<String> b) {
        List<String> out = StandaloneClusterIT.minus(a, b);
        return out.size() > 20 ? List.of(out.size() + " records, first: " + out.subList(0, 5)) : out;
    }
}
