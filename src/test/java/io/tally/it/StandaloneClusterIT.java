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
import org.apache.flink.util.FileUtils;
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
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tally deployed as it is in production, on one machine: a Flink standalone session cluster of separate JVMs (one
 * JobManager, TaskManagers of two slots, RocksDB, checkpoints on local disk), target/tally-job.jar submitted over the
 * REST API with the attribution, KPI and alerts jobs, a real Kafka broker (in this JVM), generated traffic into topics of 4
 * partitions. One continuous run of three phases, each ending with the committed attributions and the final KPI
 * records equal to those of a replay of everything produced so far: nothing lost, nothing doubled.
 *
 * <ol>
 *   <li>Faults while traffic flows, at seeded moments ({@value #SEED_PROPERTY}): a TaskManager killed with SIGKILL
 *       while a checkpoint is in progress, the Kafka broker stopped and started again (transactions in flight are
 *       aborted; the jobs recover by themselves), a TaskManager killed at a random moment, and as many more of
 *       these as {@value #FAULTS_PROPERTY} asks. Each killed TaskManager is replaced, as Kubernetes replaces a pod.</li>
 *   <li>The jobs stop with a savepoint and resume from it at parallelism 4 on three more TaskManagers; the next traffic
 *       (four times as long) arrives all at once, far faster than the jobs take it (back-pressure).</li>
 *   <li>The jobs stop with a savepoint again and resume at parallelism 1, with more traffic.</li>
 * </ol>
 *
 * <p>Exactness needs event time to depend on the input only: the jobs run without source idleness (every partition of
 * every input gets heartbeat ticks, see {@link Traffic}), and each phase ends with two rounds of ticks on every
 * partition: the first (at {@code end}) releases the phase's last orders, and once their attributions are committed
 * the second (10 s later) releases the first round's orders, whose attributions move the KPI job's event time past
 * every window of the phase. The expected output is then the replay's output up to those watermarks.
 *
 * <p>A longer soak: {@code -D}{@value #EVENTS_PROPERTY}{@code =30000 -D}{@value #FAULTS_PROPERTY}{@code =12}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String EVENTS_PROPERTY = "tally.chaos.events";
    static final String FAULTS_PROPERTY = "tally.chaos.faults";
    static final String SEED_PROPERTY = "tally.chaos.seed";
    private static final int PARTITIONS = 4;
    private static final int PARALLELISM = 2;
    private static final int EVENTS_PER_PHASE = Integer.getInteger(EVENTS_PROPERTY, 3_000);
    private static final int FAULTS = Math.max(3, Integer.getInteger(FAULTS_PROPERTY, 3));
    private static final long SEED = Long.getLong(SEED_PROPERTY, 11);
    /** Records per second of the traffic the faults of phase 1 happen in: slow enough for several recoveries. */
    private static final double FAULT_TRAFFIC_PER_SECOND = 25;
    private static final long DAY = 86_400_000L;
    private static final long CLOSING_TICK_AFTER_MS = 10_000;
    private static final List<String> JOBS = List.of("attribution", "kpis", "alerts");
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration OUTPUT_TIMEOUT = Duration.ofMinutes(3);

    private static final TallyConfig TOPICS = new TallyConfig();
    private static Path dir;
    private static FlinkCluster cluster;
    private static FlinkRest rest;
    private static String jarId;
    private static long boundMs;
    /** Job configuration files, by job and parallelism ({@code job-pN}). */
    private static final Map<String, Path> configs = new LinkedHashMap<>();
    private static final Map<String, String> jobIds = new LinkedHashMap<>();
    private static final List<Phase> phases = new ArrayList<>();
    private static int phasesPassed;
    /** What the phase injected and how the jobs took it, for the build log. */
    private static final List<String> faultLog = new ArrayList<>();

    /** A phase's traffic, its two rounds of closing ticks, and what the cluster must have written after them. */
    record Phase(List<Input> traffic, List<Input> lastTicks, List<Input> closingTicks, Expected expected) {}

    /**
     * Attributions (as a multiset of JSON lines) and final KPI records by upsert key, and how many attributions are
     * committed once the last ticks (before the closing ones) have been processed.
     */
    record Expected(List<String> attributions, long attributionsBeforeClosingTicks, Map<String, String> kpiFinals,
                    List<String> alerts) {}

    @BeforeAll
    static void setUp() throws Exception {
        dir = Path.of(System.getProperty("basedir", "")).toAbsolutePath().resolve("target").resolve("cluster-it");
        Path jar = dir.getParent().resolve("tally-job.jar");
        assertThat(jar).as("the cluster jar, built by `mvn package`").exists();
        for (String sub : List.of("conf", "logs", "tmp", "state", "replay", "jobs")) {
            FileUtils.deleteFileOrDirectory(dir.resolve(sub).toFile());
        }
        Topics.createAll(KAFKA.admin(), TOPICS, PARTITIONS);
        for (String job : JOBS) {
            for (int p : new int[] {PARALLELISM, 4, 1}) configs.put(job + "-p" + p, writeJobConfig(job, p));
        }
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

        // Each phase is the generator's continuation two days after the last (later than the last phase's closing
        // ticks, so not late) and ends on the next day, past every window of its traffic (the largest is 1 d).
        Path replay = dir.resolve("replay");
        List<List<Input>> everything = new ArrayList<>();
        long lastEnd = Long.MIN_VALUE;
        for (int i = 0; i < 3; i++) {
            // Phase 2's traffic comes all at once and is four times as long: far more than the jobs take at once.
            int events = i == 1 ? 4 * EVENTS_PER_PHASE : EVENTS_PER_PHASE;
            List<Input> traffic = Traffic.withHeartbeats(take(generator, events), 2L * i * DAY, PARTITIONS);
            long start = traffic.stream().mapToLong(Input::ts).min().orElseThrow();
            assertThat(start - boundMs).as("phase %d starts after the last one's ticks", i + 1)
                    .isGreaterThan(lastEnd + CLOSING_TICK_AFTER_MS);
            long end = nextDay(Traffic.maxTs(traffic)) + CLOSING_TICK_AFTER_MS;
            List<Input> last = Traffic.ticks(end, PARTITIONS);
            List<Input> closing = Traffic.ticks(end + CLOSING_TICK_AFTER_MS, PARTITIONS);
            everything.addAll(List.of(traffic, last, closing));
            Path in = replay.resolve("in" + (i + 1));
            Traffic.writeReplayFiles(in, everything);
            phases.add(new Phase(traffic, last, closing, expected(in, replay.resolve("out" + (i + 1)), end, replayConfig)));
            lastEnd = end;
        }

        // Each TaskManager has two slots: one per task of each job at parallelism 2.
        cluster = FlinkCluster.start(dir, JOBS.size());
        rest = cluster.rest();
        jarId = rest.uploadJar(jar);
    }

    @AfterAll
    static void tearDown() {
        if (cluster != null) cluster.close();
    }

    @Test
    @Order(1)
    void outputIsExactAfterTaskManagersAreKilledAndTheBrokerRestartsWhileTrafficFlows() throws Exception {
        Phase phase = phases.get(0);
        for (String job : JOBS) jobIds.put(job, submit(job, PARALLELISM, null));
        awaitJobsRunning();
        List<Input> traffic = phase.traffic();
        int firstPart = traffic.size() * 2 / 5;
        ExecutorService background = Executors.newSingleThreadExecutor();
        long kills = 0;
        try (Traffic.Sender sender = new Traffic.Sender(KAFKA.clientProperties(), TOPICS)) {
            sender.send(traffic.subList(0, firstPart), 0);
            // There is progress to lose: output is committed, and a later checkpoint of each job completes.
            awaitOutput("the first committed attributions and final KPI records",
                    () -> !attributions().isEmpty() && !kpiFinals().isEmpty());
            awaitNewCheckpoints();

            // The rest is sent slowly from another thread; the faults come at seeded moments while it flows.
            List<Input> rest = traffic.subList(firstPart, traffic.size());
            long sentBefore = sender.sent.get();
            Future<?> sending = background.submit(() -> {
                sender.send(rest, FAULT_TRAFFIC_PER_SECOND);
                return null;
            });
            Random random = new Random(SEED);
            double[] moments = new double[FAULTS];
            for (int i = 0; i < FAULTS; i++) moments[i] = 0.05 + 0.85 * random.nextDouble();
            Arrays.sort(moments);
            for (int i = 0; i < FAULTS; i++) {
                long due = sentBefore + (long) (moments[i] * rest.size());
                awaitOutput("traffic sent up to the next fault", () -> sender.sent.get() >= due || sending.isDone());
                Fault[] kinds = Fault.values();
                Fault fault = i < kinds.length ? kinds[i] : kinds[random.nextInt(kinds.length)];
                if (fault != Fault.BROKER_RESTART) kills++;
                boolean flowing = !sending.isDone();
                if (i == 0) assertThat(flowing).as("traffic still flows at the first fault").isTrue();
                long failedBefore = sum(checkpoints("failed"));
                long started = System.nanoTime();
                String what = inject(fault);
                awaitRecovered();
                faultLog.add(String.format("fault: %s at %.0f%% of the traffic%s: recovered in %.1f s, %d checkpoints"
                        + " failed meanwhile", what, 100 * moments[i], flowing ? "" : " (after it)",
                        (System.nanoTime() - started) / 1e9, sum(checkpoints("failed")) - failedBefore));
            }
            sending.get(5, TimeUnit.MINUTES);
            finishPhase(phase, sender);
        } finally {
            background.shutdownNow();
        }
        assertOutputEquals(phase.expected());
        // Each kill restarts the jobs that had a task on the TaskManager (every TaskManager holds tasks of two jobs),
        // from their last checkpoint.
        long restarts = 0;
        for (String job : JOBS) {
            long n = numRestarts(jobIds.get(job));
            restarts += n;
            if (n == 0) continue;
            JsonNode restored = rest.get("/jobs/" + jobIds.get(job) + "/checkpoints").path("latest").path("restored");
            assertThat(restored.isObject()).as(job + " restarted from a checkpoint").isTrue();
            assertThat(restored.path("is_savepoint").asBoolean()).as(job + " restored a checkpoint").isFalse();
        }
        assertThat(restarts).as("job restarts after %d kills", kills).isGreaterThanOrEqualTo(kills);
        report("phase 1 (faults)", phase);
        phasesPassed++;
    }

    @Test
    @Order(2)
    void resumesFromASavepointAtParallelismFourUnderBackPressureAndStaysExact() throws Exception {
        assumeTrue(phasesPassed == 1, "an earlier phase failed");
        for (int i = 0; i < JOBS.size(); i++) cluster.startTaskManager();
        rescaleAndRun(phases.get(1), 4, "phase 2 (savepoint, parallelism 2 to 4, back-pressure)");
    }

    @Test
    @Order(3)
    void resumesFromASavepointAtParallelismOneAndStaysExact() throws Exception {
        assumeTrue(phasesPassed == 2, "an earlier phase failed");
        rescaleAndRun(phases.get(2), 1, "phase 3 (savepoint, parallelism 4 to 1)");
    }

    /** The jobs stop with a savepoint and resume from it at {@code parallelism}; the phase's traffic, all at once. */
    private static void rescaleAndRun(Phase phase, int parallelism, String name) throws Exception {
        Map<String, String> savepoints = new LinkedHashMap<>();
        for (String job : JOBS) savepoints.put(job, stopWithSavepoint(job));
        for (String job : JOBS) jobIds.put(job, submit(job, parallelism, savepoints.get(job)));
        awaitJobsRunning();
        for (String job : JOBS) {
            JsonNode restored = rest.get("/jobs/" + jobIds.get(job) + "/checkpoints").path("latest").path("restored");
            assertThat(restored.path("is_savepoint").asBoolean()).as(job + " restored a savepoint: " + restored).isTrue();
            assertThat(restored.path("external_path").asText()).as(job).isEqualTo(savepoints.get(job));
            assertThat(rest.get("/jobs/" + jobIds.get(job)).path("vertices").get(0).path("parallelism").asInt())
                    .as(job + " parallelism").isEqualTo(parallelism);
        }
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        AtomicLong peak = new AtomicLong(-1);
        try (Traffic.Sender sender = new Traffic.Sender(KAFKA.clientProperties(), TOPICS)) {
            // How hard the burst presses on the jobs: Flink's back-pressured time of their tasks.
            sampler.scheduleAtFixedRate(() -> peak.accumulateAndGet(backPressure(), Math::max),
                    0, 500, TimeUnit.MILLISECONDS);
            sender.send(phase.traffic(), 0);
            finishPhase(phase, sender);
        } finally {
            sampler.shutdownNow();
        }
        assertOutputEquals(phase.expected());
        faultLog.add(String.format("overload: %d records at once into the jobs at parallelism %d: tasks back-pressured up to"
                + " %d ms per second", phase.traffic().size(), parallelism, peak.get()));
        report(name, phase);
        phasesPassed++;
    }

    /** The greatest back-pressured time per second of any task of the jobs; -1 if unknown. */
    private static long backPressure() {
        long max = -1;
        try {
            for (String job : JOBS) {
                String id = jobIds.get(job);
                for (JsonNode vertex : rest.get("/jobs/" + id).path("vertices")) {
                    for (JsonNode m : rest.get("/jobs/" + id + "/vertices/" + vertex.path("id").asText()
                            + "/subtasks/metrics?get=backPressuredTimeMsPerSecond&agg=max")) {
                        max = Math.max(max, (long) m.path("max").asDouble(-1));
                    }
                }
            }
        } catch (Exception e) {
            // a sample lost while a job restarts or finishes: the peak stands on the others
        }
        return max;
    }

    /** The faults of phase 1, in the order they are first injected. */
    enum Fault { KILL_DURING_CHECKPOINT, BROKER_RESTART, KILL }

    /** Injects the fault and says what it did. */
    private static String inject(Fault fault) throws Exception {
        switch (fault) {
            case BROKER_RESTART: {
                long started = System.nanoTime();
                KAFKA.restart();
                return String.format("Kafka broker restarted (down %.1f s)", (System.nanoTime() - started) / 1e9);
            }
            case KILL_DURING_CHECKPOINT: {
                // A full checkpoint triggered over REST, and the kill as soon as it is in progress (its barriers in
                // flight, RocksDB writing): it can only fail, and the jobs restart from the one before.
                String job = JOBS.get(0);
                rest.post("/jobs/" + jobIds.get(job) + "/checkpoints", Map.of("checkpointType", "FULL"));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (checkpoints("in_progress").get(job) == 0) {
                    assertThat(System.nanoTime()).as("the triggered checkpoint of %s in progress", job).isLessThan(deadline);
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
                }
                return killATaskManager() + " while a full checkpoint of " + job + " was in progress";
            }
            default:
                return killATaskManager();
        }
    }

    /** SIGKILL to the oldest live TaskManager, and a replacement started at once. */
    private static String killATaskManager() throws Exception {
        String victim = cluster.oldestTaskManager();
        cluster.kill(victim);
        cluster.startTaskManager();
        return "SIGKILL to " + victim;
    }

    /** Every task of every job running again, and a checkpoint of each completed since. */
    private static void awaitRecovered() throws Exception {
        awaitJobsRunning();
        awaitNewCheckpoints();
    }

    private static void awaitNewCheckpoints() throws Exception {
        Map<String, Long> before = checkpoints("completed");
        awaitOutput("one more completed checkpoint of each job", () -> {
            Map<String, Long> now = checkpoints("completed");
            return JOBS.stream().allMatch(j -> now.get(j) > before.get(j));
        });
    }

    /** What was checked, for the build log. */
    private static void report(String phase, Phase p) throws Exception {
        for (String event : faultLog) System.out.println("StandaloneClusterIT " + event);
        faultLog.clear();
        long finalRecords = 0;
        for (ConsumerRecord<String, String> r : KAFKA.readAll(TOPICS.topic(Stream.KPIS))) {
            if (JSON.readTree(r.value()).path("final").asBoolean()) finalRecords++;
        }
        StringBuilder restarts = new StringBuilder();
        for (String job : JOBS) restarts.append(' ').append(job).append('=').append(numRestarts(jobIds.get(job)));
        System.out.printf("StandaloneClusterIT %s: %d input records; output equal to the replay: %d attributions,"
                        + " %d final KPI records (%d written, counting rewrites after restarts), %d alerts; restarts:%s%n",
                phase, p.traffic().size() + p.lastTicks().size() + p.closingTicks().size(), p.expected().attributions().size(),
                p.expected().kpiFinals().size(), finalRecords, alerts().size(), restarts);
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
            awaitOutput("the alerts of the replay up to the alerts job's event time",
                    () -> minus(alertsUpTo(expected, alertsWatermark()), alerts()).isEmpty());
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

        // Alerts are exactly-once: each committed one is one of the replay's, and every alert of the replay is
        // committed once the alerts job's event time (set by the final KPI records of every partition) has passed it.
        List<String> alerts = alerts();
        List<String> invented = minus(alerts, expected.alerts());
        assertThat(invented).as("alerts not in the replay, or doubled%s", sample(invented)).isEmpty();
        long watermark = alertsWatermark();
        List<String> absent = minus(alertsUpTo(expected, watermark), alerts);
        assertThat(absent).as("alerts of the replay up to %d missing%s", watermark, sample(absent)).isEmpty();
    }

    /** The replay's alerts with a ts the alerts job's event time has passed. */
    private static List<String> alertsUpTo(Expected expected, long watermark) {
        List<String> upTo = new ArrayList<>();
        for (String alert : expected.alerts()) {
            try {
                if (JSON.readTree(alert).get("ts").asLong() <= watermark) upTo.add(alert);
            } catch (IOException e) {
                throw new AssertionError("unreadable alert " + alert, e);
            }
        }
        return upTo;
    }

    /**
     * The alerts job's event time: it reads the KPI topic with a watermark per partition, moved by final records
     * only (to their windowEnd - 1), less the bound, less 1; the least over the partitions.
     */
    private static long alertsWatermark() {
        Map<Integer, Long> greatest = new HashMap<>();
        for (ConsumerRecord<String, String> r : KAFKA.readAll(TOPICS.topic(Stream.KPIS))) {
            try {
                JsonNode k = JSON.readTree(r.value());
                if (k.path("final").asBoolean()) greatest.merge(r.partition(), k.get("windowEnd").asLong() - 1, Math::max);
            } catch (IOException e) {
                throw new AssertionError("unreadable KPI record " + r.value(), e);
            }
        }
        if (greatest.size() < PARTITIONS) return Long.MIN_VALUE;
        return greatest.values().stream().mapToLong(Long::longValue).min().orElseThrow() - boundMs - 1;
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
        List<String> alerts = LiveRuns.comparable(Stream.ALERTS,
                Files.readAllLines(out.resolve(Stream.ALERTS.wireName() + ".jsonl"), StandardCharsets.UTF_8));
        return new Expected(attributions, attributionsBeforeClosing, kpis, alerts);
    }

    /** The replay's configuration: what the three test job files say (each job its own sections). */
    private static TallyConfig replayConfig() {
        TallyConfig config = ConfigLoader.load(configs.get("attribution-p" + PARALLELISM));
        TallyConfig kpis = ConfigLoader.load(configs.get("kpis-p" + PARALLELISM));
        TallyConfig alerts = ConfigLoader.load(configs.get("alerts-p" + PARALLELISM));
        config.kpis = kpis.kpis;
        config.attribution.dedup.putAll(kpis.attribution.dedup);
        config.alerts = alerts.alerts;
        return config;
    }

    /**
     * The shipped jobs/JOB.yaml with the test's settings: this broker, parallelism 2, checkpoints every 2 s on local
     * disk, a transaction timeout fit for a test, no source idleness (see the class comment), no shadow models.
     */
    private static Path writeJobConfig(String job, int parallelism) throws IOException {
        YAMLMapper yaml = new YAMLMapper();
        ObjectNode root = (ObjectNode) yaml.readTree(Path.of(System.getProperty("basedir", ""))
                .resolve("jobs").resolve(job + ".yaml").toFile());
        ((ObjectNode) root.get("job")).put("parallelism", parallelism);
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
        if (job.equals("alerts")) {
            // An early rule fires on updates of open windows, which depends on timing: evaluated on finals only.
            for (JsonNode rule : root.path("alerts").path("rules")) ((ObjectNode) rule).put("early", false);
        }
        Path file = Files.createDirectories(dir.resolve("jobs")).resolve(job + "-p" + parallelism + ".yaml");
        yaml.writeValue(file.toFile(), root);
        ConfigLoader.load(file); // fails here, naming the key, rather than in the JobManager
        return file;
    }

    // ---- cluster

    private static String submit(String job, int parallelism, String savepoint) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("programArgsList", List.of(job, "--config", configs.get(job + "-p" + parallelism).toString()));
        if (savepoint != null) {
            body.put("savepointPath", savepoint);
            body.put("allowNonRestoredState", false);
        }
        return rest.post("/jars/" + jarId + "/run", body).get("jobid").asText();
    }

    /** Every task of every job running. */
    private static void awaitJobsRunning() {
        await("every job running", JOB_TIMEOUT, () -> {
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

    /** A count of each job's checkpoint statistics ({@code completed}, {@code failed}, {@code in_progress}), by job. */
    private static Map<String, Long> checkpoints(String count) throws Exception {
        Map<String, Long> counts = new HashMap<>();
        for (String job : JOBS) {
            counts.put(job, rest.get("/jobs/" + jobIds.get(job) + "/checkpoints").path("counts").path(count).asLong());
        }
        return counts;
    }

    private static long sum(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    private static long numRestarts(String jobId) throws Exception {
        for (JsonNode m : rest.get("/jobs/" + jobId + "/metrics?get=numRestarts")) {
            return m.path("value").asLong();
        }
        return -1;
    }

    // ---- output topics

    /** Committed alerts, in {@link LiveRuns#comparable} form. */
    private static List<String> alerts() {
        return LiveRuns.comparable(Stream.ALERTS, KAFKA.readAllValues(TOPICS.topic(Stream.ALERTS)));
    }

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
