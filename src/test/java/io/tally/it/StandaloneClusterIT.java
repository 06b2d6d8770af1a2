package io.tally.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.tally.config.ConfigLoader;
import io.tally.config.TallyConfig;
import io.tally.event.Stream;
import io.tally.generate.GeneratedRecord;
import io.tally.generate.Generator;
import io.tally.generate.GeneratorSettings;
import io.tally.it.Traffic.Input;
import io.tally.local.Topics;
import io.tally.pipeline.Replay;
import io.tally.testing.KafkaBroker;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tally deployed as it is in production, on one machine: a Flink standalone session cluster of separate JVMs (one
 * JobManager, two TaskManagers, RocksDB, checkpoints on local disk), target/tally-job.jar submitted over the REST API
 * with the attribution and KPI jobs, a real Kafka broker (in this JVM), generated traffic.
 *
 * <ol>
 *   <li>A TaskManager is killed with SIGKILL mid-stream, after checkpoints, while traffic flows; a replacement starts
 *       (as Kubernetes would restart the pod). Both jobs restart from their last checkpoint, and the committed
 *       attributions and the final KPI records equal those of a replay of the same input: nothing lost, nothing
 *       doubled.</li>
 *   <li>Both jobs stop with a savepoint and are resubmitted from it with the same jar; more traffic follows, and the
 *       whole output equals a replay of all the input.</li>
 * </ol>
 *
 * <p>Exactness needs event time to depend on the input only: the jobs run without source idleness (every partition of
 * every input gets heartbeat ticks, see {@link Traffic}), and each phase ends with two rounds of ticks on every
 * partition: the first (at {@code end}) releases the phase's last orders, and once their attributions are committed
 * the second (10 s later) releases the first round's orders, whose attributions move the KPI job's event time past
 * every window of the phase. The expected output is then the replay's output up to those watermarks.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PARTITIONS = 4;
    private static final int PARALLELISM = 2;
    private static final int EVENTS_PER_PHASE = 3_000;
    private static final long DAY = 86_400_000L;
    private static final long CLOSING_TICK_AFTER_MS = 10_000;
    private static final List<String> JOBS = List.of("attribution", "kpis");
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration OUTPUT_TIMEOUT = Duration.ofMinutes(3);

    private static final TallyConfig TOPICS = new TallyConfig();
    private static Path dir;
    private static FlinkCluster cluster;
    private static FlinkRest rest;
    private static String jarId;
    private static long boundMs;
    private static final Map<String, Path> configs = new LinkedHashMap<>();
    private static final Map<String, String> jobIds = new LinkedHashMap<>();
    private static Phase phase1;
    private static Phase phase2;
    private static boolean phase1Passed;

    /** A phase's traffic, its two rounds of closing ticks, and what the cluster must have written after them. */
    record Phase(List<Input> traffic, List<Input> lastTicks, List<Input> closingTicks, Expected expected) {}

    /**
     * Attributions (as a multiset of JSON lines) and final KPI records by upsert key, and how many attributions are
     * committed once the last ticks (before the closing ones) have been processed.
     */
    record Expected(List<String> attributions, long attributionsBeforeClosingTicks, Map<String, String> kpiFinals) {}

    @BeforeAll
    static void setUp() throws Exception {
        dir = Path.of(System.getProperty("basedir", "")).toAbsolutePath().resolve("target").resolve("cluster-it");
        Path jar = dir.getParent().resolve("tally-job.jar");
        assertThat(jar).as("the cluster jar, built by `mvn package`").exists();
        for (String sub : List.of("conf", "logs", "tmp", "state", "replay", "jobs")) deleteRecursively(dir.resolve(sub));
        Topics.createAll(KAFKA.admin(), TOPICS, PARTITIONS);
        for (String job : JOBS) configs.put(job, writeJobConfig(job));
        TallyConfig replayConfig = replayConfig();
        boundMs = replayConfig.time.watermarkBound.toMillis();

        // Sparse simulated time (0.2 events per second) so that a few thousand events hold dozens of orders.
        GeneratorSettings settings = new GeneratorSettings();
        settings.seed = 11;
        settings.eventsPerSimulatedSecond = 0.2;
        settings.users = 2_000;
        settings.creators = 50;
        settings.merchants = 10;
        Generator generator = new Generator(settings);
        List<GeneratedRecord> first = take(generator, EVENTS_PER_PHASE);
        List<GeneratedRecord> second = take(generator, EVENTS_PER_PHASE);

        // Phase 1 ends on the next day, past every window of its traffic (the largest is 1 d).
        List<Input> traffic1 = Traffic.withHeartbeats(first, 0, PARTITIONS);
        long end1 = nextDay(Traffic.maxTs(traffic1)) + CLOSING_TICK_AFTER_MS;
        // Phase 2 is the generator's continuation two days later (later than phase 1's closing ticks, so not late).
        List<Input> traffic2 = Traffic.withHeartbeats(second, 2 * DAY, PARTITIONS);
        long start2 = traffic2.stream().mapToLong(Input::ts).min().orElseThrow();
        assertThat(start2 - boundMs).as("phase 2 starts after phase 1's ticks").isGreaterThan(end1 + CLOSING_TICK_AFTER_MS);
        long end2 = nextDay(Traffic.maxTs(traffic2)) + CLOSING_TICK_AFTER_MS;

        List<Input> last1 = Traffic.ticks(end1, PARTITIONS);
        List<Input> closing1 = Traffic.ticks(end1 + CLOSING_TICK_AFTER_MS, PARTITIONS);
        List<Input> last2 = Traffic.ticks(end2, PARTITIONS);
        List<Input> closing2 = Traffic.ticks(end2 + CLOSING_TICK_AFTER_MS, PARTITIONS);
        Path replay = dir.resolve("replay");
        Traffic.writeReplayFiles(replay.resolve("in1"), List.of(traffic1, last1, closing1));
        Traffic.writeReplayFiles(replay.resolve("in2"), List.of(traffic1, last1, closing1, traffic2, last2, closing2));
        phase1 = new Phase(traffic1, last1, closing1, expected(replay.resolve("in1"), replay.resolve("out1"), end1, replayConfig));
        phase2 = new Phase(traffic2, last2, closing2, expected(replay.resolve("in2"), replay.resolve("out2"), end2, replayConfig));

        cluster = FlinkCluster.start(dir, 2);
        rest = cluster.rest();
        jarId = rest.uploadJar(jar);
    }

    @AfterAll
    static void tearDown() {
        if (cluster != null) cluster.close();
    }

    @Test
    @Order(1)
    void outputIsExactAfterATaskManagerIsKilledMidStream() throws Exception {
        for (String job : JOBS) jobIds.put(job, submit(job, null));
        awaitJobsRunning();
        List<Input> traffic = phase1.traffic();
        int firstPart = traffic.size() * 2 / 5;
        ExecutorService background = Executors.newSingleThreadExecutor();
        try (Traffic.Sender sender = new Traffic.Sender(KAFKA.clientProperties(), TOPICS)) {
            sender.send(traffic.subList(0, firstPart), 0);
            // There is progress to lose: output is committed, and a later checkpoint of each job completes.
            awaitOutput("the first committed attributions and final KPI records",
                    () -> !attributions().isEmpty() && !kpiFinals().isEmpty());
            Map<String, Long> before = completedCheckpoints();
            awaitOutput("one more completed checkpoint of each job", () -> {
                Map<String, Long> now = completedCheckpoints();
                return JOBS.stream().allMatch(j -> now.get(j) > before.get(j));
            });

            // The rest is sent over a few seconds from another thread; a TaskManager dies while it flows.
            List<Input> rest = traffic.subList(firstPart, traffic.size());
            long sentBefore = sender.sent.get();
            Future<?> sending = background.submit(() -> {
                sender.send(rest, 300);
                return null;
            });
            awaitOutput("a third of the remaining traffic sent",
                    () -> sender.sent.get() - sentBefore >= rest.size() / 3 || sending.isDone());
            assertThat(sending.isDone()).as("traffic still flows when the TaskManager is killed").isFalse();
            cluster.kill("taskmanager-1");
            // Two TaskManagers of 2 slots are just enough for both jobs at parallelism 2: the killed one is replaced,
            // as Kubernetes restarts a lost pod, rather than kept spare.
            cluster.startTaskManager();
            sending.get(2, TimeUnit.MINUTES);
            finishPhase(phase1, sender);
        } finally {
            background.shutdownNow();
        }
        for (String job : JOBS) {
            JsonNode restored = rest.get("/jobs/" + jobIds.get(job) + "/checkpoints").path("latest").path("restored");
            assertThat(restored.isObject()).as(job + " restarted from a checkpoint").isTrue();
            assertThat(restored.path("is_savepoint").asBoolean()).as(job + " restored a checkpoint").isFalse();
            assertThat(numRestarts(jobIds.get(job))).as(job + " restarts").isPositive();
        }
        assertOutputEquals(phase1.expected());
        report("phase 1", phase1);
        phase1Passed = true;
    }

    @Test
    @Order(2)
    void resumesFromASavepointWithTheSameJarAndStaysExact() throws Exception {
        assumeTrue(phase1Passed, "the first phase failed");
        Map<String, String> savepoints = new LinkedHashMap<>();
        for (String job : JOBS) savepoints.put(job, stopWithSavepoint(job));
        for (String job : JOBS) jobIds.put(job, submit(job, savepoints.get(job)));
        awaitJobsRunning();
        for (String job : JOBS) {
            JsonNode restored = rest.get("/jobs/" + jobIds.get(job) + "/checkpoints").path("latest").path("restored");
            assertThat(restored.path("is_savepoint").asBoolean()).as(job + " restored a savepoint: " + restored).isTrue();
            assertThat(restored.path("external_path").asText()).as(job).isEqualTo(savepoints.get(job));
        }
        try (Traffic.Sender sender = new Traffic.Sender(KAFKA.clientProperties(), TOPICS)) {
            sender.send(phase2.traffic(), 0);
            finishPhase(phase2, sender);
        }
        assertOutputEquals(phase2.expected());
        report("phase 2", phase2);
    }

    /** What was checked, for the build log. */
    private static void report(String phase, Phase p) throws Exception {
        long finalRecords = 0;
        for (ConsumerRecord<String, String> r : KAFKA.readAll(TOPICS.topic(Stream.KPIS))) {
            if (JSON.readTree(r.value()).path("final").asBoolean()) finalRecords++;
        }
        StringBuilder restarts = new StringBuilder();
        for (String job : JOBS) restarts.append(' ').append(job).append('=').append(numRestarts(jobIds.get(job)));
        System.out.printf("StandaloneClusterIT %s: %d input records; output equal to the replay: %d attributions,"
                        + " %d final KPI records (%d written, counting rewrites after restarts); restarts:%s%n",
                phase, p.traffic().size() + p.lastTicks().size() + p.closingTicks().size(), p.expected().attributions().size(),
                p.expected().kpiFinals().size(), finalRecords, restarts);
    }

    // ---- phases

    /** The last ticks, then (once their attributions are committed) the closing ticks, then the whole output. */
    private static void finishPhase(Phase phase, Traffic.Sender sender) throws Exception {
        Expected expected = phase.expected();
        sender.send(phase.lastTicks(), 0);
        awaitOutput(expected.attributionsBeforeClosingTicks() + " attributions before the closing ticks",
                () -> attributions().size() >= expected.attributionsBeforeClosingTicks());
        sender.send(phase.closingTicks(), 0);
        try {
            awaitOutput(expected.attributions().size() + " attributions and " + expected.kpiFinals().size()
                            + " final KPI records",
                    () -> attributions().size() >= expected.attributions().size()
                            && kpiFinals().size() >= expected.kpiFinals().size());
        } catch (AssertionError timeout) {
            // Say what is wrong with the output so far (e.g. doubled attributions) rather than only that it is late.
            try {
                assertOutputEquals(expected);
            } catch (AssertionError wrong) {
                wrong.addSuppressed(timeout);
                throw wrong;
            }
            throw timeout;
        }
    }

    private static void assertOutputEquals(Expected expected) {
        List<String> actual = attributions();
        List<String> missing = minus(expected.attributions(), actual);
        List<String> extra = minus(actual, expected.attributions());
        assertThat(missing).as("attributions missing (of %d expected)%s", expected.attributions().size(),
                sample(missing)).isEmpty();
        assertThat(extra).as("attributions not in the replay, or doubled%s", sample(extra)).isEmpty();

        Map<String, Set<String>> finals = kpiFinals();
        // KPI records are idempotent upserts written at-least-once: a final record written again after a failure
        // must carry the same value; the compacted topic then holds one value per window.
        Map<String, Set<String>> conflicting = finals.entrySet().stream().filter(e -> e.getValue().size() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(conflicting).as("windows with differing final records").isEmpty();
        Map<String, String> actualFinals = new TreeMap<>();
        finals.forEach((k, v) -> actualFinals.put(k, v.iterator().next()));
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, String> e : expected.kpiFinals().entrySet()) {
            String got = actualFinals.get(e.getKey());
            if (!e.getValue().equals(got)) wrong.add("expected " + e.getValue() + "\n   got " + got);
        }
        Set<String> unexpected = new LinkedHashSet<>(actualFinals.keySet());
        unexpected.removeAll(expected.kpiFinals().keySet());
        assertThat(wrong).as("final KPI records missing or different (of %d expected)%s", expected.kpiFinals().size(),
                sample(wrong)).isEmpty();
        assertThat(unexpected).as("final KPI records of windows the replay does not close").isEmpty();
    }

    // ---- expected output

    private static Expected expected(Path in, Path out, long end, TallyConfig config) throws Exception {
        Replay.run(in, out, config, PARALLELISM);
        // Watermarks the cluster reaches: the attribution job's from the closing ticks (end + 10 s), the KPI job's
        // from the attributions of the last ticks' orders (end), which it reads back from Kafka.
        long attributionWatermark = end + CLOSING_TICK_AFTER_MS - boundMs - 1;
        long beforeClosing = end - boundMs - 1;
        long kpiWatermark = end - boundMs - 1;
        List<String> attributions = new ArrayList<>();
        long attributionsBeforeClosing = 0;
        for (String line : Files.readAllLines(out.resolve(Stream.ATTRIBUTIONS.wireName() + ".jsonl"), StandardCharsets.UTF_8)) {
            long ts = JSON.readTree(line).get("ts").asLong();
            if (ts <= attributionWatermark) attributions.add(line);
            if (ts <= beforeClosing) attributionsBeforeClosing++;
        }
        Map<String, String> kpis = new TreeMap<>();
        for (String line : Files.readAllLines(out.resolve(Stream.KPIS.wireName() + ".jsonl"), StandardCharsets.UTF_8)) {
            JsonNode k = JSON.readTree(line);
            if (k.get("windowEnd").asLong() - 1 <= kpiWatermark) kpis.put(upsertKey(k), line);
        }
        assertThat(attributions).as("replay attributions").isNotEmpty();
        return new Expected(attributions, attributionsBeforeClosing, kpis);
    }

    /** The replay's configuration: what the two test job files say (each job its own sections). */
    private static TallyConfig replayConfig() {
        TallyConfig config = ConfigLoader.load(configs.get("attribution"));
        TallyConfig kpis = ConfigLoader.load(configs.get("kpis"));
        config.kpis = kpis.kpis;
        config.attribution.dedup.putAll(kpis.attribution.dedup);
        return config;
    }

    /**
     * The shipped jobs/JOB.yaml with the test's settings: this broker, parallelism 2, checkpoints every 2 s on local
     * disk, a transaction timeout fit for a test, no source idleness (see the class comment), no shadow models.
     */
    private static Path writeJobConfig(String job) throws IOException {
        YAMLMapper yaml = new YAMLMapper();
        ObjectNode root = (ObjectNode) yaml.readTree(Path.of(System.getProperty("basedir", ""))
                .resolve("jobs").resolve(job + ".yaml").toFile());
        ((ObjectNode) root.get("job")).put("parallelism", PARALLELISM);
        ObjectNode kafka = (ObjectNode) root.get("kafka");
        kafka.put("bootstrapServers", KAFKA.bootstrapServers());
        kafka.put("transactionTimeout", "30s");
        kafka.remove("properties"); // comments only in the shipped file
        ((ObjectNode) root.get("time")).put("sourceIdleness", "0s");
        ObjectNode checkpoints = (ObjectNode) root.get("checkpoints");
        checkpoints.put("interval", "2s");
        checkpoints.put("minPause", "500ms");
        checkpoints.put("timeout", "1m");
        checkpoints.put("dir", dir.resolve("state").resolve("checkpoints").resolve(job).toUri().toString());
        if (job.equals("attribution")) ((ObjectNode) root.get("attribution")).putArray("shadowModels");
        Path file = Files.createDirectories(dir.resolve("jobs")).resolve(job + ".yaml");
        yaml.writeValue(file.toFile(), root);
        ConfigLoader.load(file); // fails here, naming the key, rather than in the JobManager
        return file;
    }

    // ---- cluster

    private static String submit(String job, String savepoint) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("programArgsList", List.of(job, "--config", configs.get(job).toString()));
        if (savepoint != null) {
            body.put("savepointPath", savepoint);
            body.put("allowNonRestoredState", false);
        }
        return rest.post("/jars/" + jarId + "/run", body).get("jobid").asText();
    }

    /** Every task of both jobs running. */
    private static void awaitJobsRunning() {
        await("both jobs running", JOB_TIMEOUT, () -> {
            for (String job : JOBS) {
                JsonNode details = rest.get("/jobs/" + jobIds.get(job));
                if (!"RUNNING".equals(details.path("state").asText())) return false;
                for (JsonNode v : details.path("vertices")) if (!"RUNNING".equals(v.path("status").asText())) return false;
            }
            return true;
        });
    }

    /** Stops the job with a savepoint (no drain: windows stay open) and returns the savepoint's path. */
    private static String stopWithSavepoint(String job) throws Exception {
        String id = jobIds.get(job);
        Map<String, Object> body = Map.of("targetDirectory", dir.resolve("state").resolve("savepoints").toUri().toString(),
                "drain", false);
        String trigger = rest.post("/jobs/" + id + "/stop", body).get("request-id").asText();
        JsonNode[] result = new JsonNode[1];
        await("the savepoint of " + job, JOB_TIMEOUT, () -> {
            result[0] = rest.get("/jobs/" + id + "/savepoints/" + trigger);
            return "COMPLETED".equals(result[0].path("status").path("id").asText());
        });
        JsonNode operation = result[0].path("operation");
        assertThat(operation.has("failure-cause")).as("savepoint of " + job + " failed: " + operation).isFalse();
        await(job + " finished", JOB_TIMEOUT, () -> "FINISHED".equals(rest.get("/jobs/" + id).path("state").asText()));
        return operation.get("location").asText();
    }

    private static Map<String, Long> completedCheckpoints() throws Exception {
        Map<String, Long> counts = new HashMap<>();
        for (String job : JOBS) {
            counts.put(job, rest.get("/jobs/" + jobIds.get(job) + "/checkpoints").path("counts").path("completed").asLong());
        }
        return counts;
    }

    private static long numRestarts(String jobId) throws Exception {
        for (JsonNode m : rest.get("/jobs/" + jobId + "/metrics?get=numRestarts")) {
            return m.path("value").asLong();
        }
        return -1;
    }

    // ---- output topics

    private static List<String> attributions() {
        return KAFKA.readAllValues(TOPICS.topic(Stream.ATTRIBUTIONS));
    }

    /** Final KPI records by upsert key: every distinct value seen. */
    private static Map<String, Set<String>> kpiFinals() {
        Map<String, Set<String>> finals = new TreeMap<>();
        for (ConsumerRecord<String, String> r : KAFKA.readAll(TOPICS.topic(Stream.KPIS))) {
            try {
                if (JSON.readTree(r.value()).path("final").asBoolean()) {
                    finals.computeIfAbsent(r.key(), k -> new LinkedHashSet<>()).add(r.value());
                }
            } catch (IOException e) {
                throw new AssertionError("unreadable KPI record " + r.value(), e);
            }
        }
        return finals;
    }

    private static String upsertKey(JsonNode k) {
        return k.get("dimension").asText() + "|" + k.get("key").asText() + "|" + k.get("windowStart").asLong() + "|"
                + k.get("windowEnd").asLong();
    }

    // ---- waiting

    @FunctionalInterface
    interface Condition {
        boolean holds() throws Exception;
    }

    /** Waits for output, failing at once (with the job's exceptions and the logs) if a job has failed. */
    private static void awaitOutput(String what, Condition condition) {
        await(what, OUTPUT_TIMEOUT, condition);
    }

    private static void await(String what, Duration timeout, Condition condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (condition.holds()) return;
                for (String job : JOBS) {
                    String id = jobIds.get(job);
                    if (id != null && "FAILED".equals(rest.get("/jobs/" + id).path("state").asText())) {
                        throw new AssertionError(job + " failed while waiting for " + what + ": "
                                + rest.get("/jobs/" + id + "/exceptions").path("root-exception").asText()
                                + cluster.logTails(40));
                    }
                }
            } catch (AssertionError e) {
                throw e;
            } catch (Exception e) {
                throw new AssertionError("while waiting for " + what + ": " + e + cluster.logTails(40), e);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + timeout + diagnostics());
            }
            LockSupport.parkNanos(500_000_000L);
        }
    }

    private static String diagnostics() {
        StringBuilder sb = new StringBuilder();
        for (String job : JOBS) {
            String id = jobIds.get(job);
            if (id == null) continue;
            try {
                JsonNode details = rest.get("/jobs/" + id);
                sb.append("\n").append(job).append(": ").append(details.path("state").asText()).append(", tasks ")
                        .append(details.path("status-counts")).append(", checkpoints ")
                        .append(rest.get("/jobs/" + id + "/checkpoints").path("counts")).append(", last exception: ")
                        .append(rest.get("/jobs/" + id + "/exceptions").path("root-exception").asText());
            } catch (Exception e) {
                sb.append("\n").append(job).append(": ").append(e);
            }
        }
        try {
            sb.append("\nattributions committed: ").append(attributions().size())
                    .append(", final KPI records: ").append(kpiFinals().size());
        } catch (RuntimeException e) {
            sb.append("\n").append(e);
        }
        return sb + cluster.logTails(40);
    }

    // ---- helpers

    private static List<GeneratedRecord> take(Generator generator, int n) {
        List<GeneratedRecord> records = new ArrayList<>(n);
        for (int i = 0; i < n; i++) records.add(generator.next());
        return records;
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) return;
        try (java.util.stream.Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) Files.delete(p);
        }
    }

    private static long nextDay(long ts) {
        return (Math.floorDiv(ts, DAY) + 1) * DAY;
    }

    /** a minus b, as multisets, sorted. */
    static List<String> minus(List<String> a, List<String> b) {
        Map<String, Integer> counts = new HashMap<>();
        for (String s : b) counts.merge(s, 1, Integer::sum);
        List<String> rest = new ArrayList<>();
        for (String s : a) {
            Integer c = counts.get(s);
            if (c == null || c == 0) rest.add(s);
            else counts.put(s, c - 1);
        }
        rest.sort(Comparator.naturalOrder());
        return rest;
    }

    private static String sample(List<String> lines) {
        if (lines.isEmpty()) return "";
        return ", " + lines.size() + ", e.g.:\n  " + String.join("\n  ", lines.subList(0, Math.min(5, lines.size())))
                + "\n(logs: " + dir.resolve("logs") + ")";
    }
}
