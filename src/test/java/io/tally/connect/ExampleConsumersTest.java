package io.tally.connect;

import io.tally.config.TallyConfig;
import io.tally.event.Dimension;
import io.tally.event.Stream;
import io.tally.io.Json;
import io.tally.kpi.Kpi;
import io.tally.local.Topics;
import io.tally.pipeline.KafkaSinks;
import io.tally.testing.KafkaBroker;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.FileRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The README's example consumers ({@code examples/python/latest_kpis.py} with Debian's confluent-kafka,
 * {@code examples/node/latest-kpis.js} with kafkajs and an LZ4 codec) against a real broker: KPI records written by
 * Tally's own sink (LZ4 batches), several updates of each window, then transactions of which two are aborted. Each
 * example must print exactly the latest committed record of every window, sorted by key. Outside CI an example whose
 * runtime is missing is skipped; in CI ({@code CI=true}) that fails.
 */
class ExampleConsumersTest {
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    private static final Path ROOT = repoRoot();
    private static final boolean CI = "true".equals(System.getenv("CI"));
    private static final String PYTHON = "/usr/bin/python3";
    private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00Z
    private static final long MINUTE = 60_000L;
    private static final long HOUR = 60 * MINUTE;

    private static TallyConfig config;
    /** The latest committed value of every key: what the examples must print. */
    private static final Map<String, String> LATEST = new TreeMap<>();
    /** Values written in aborted transactions only. */
    private static final List<String> ABORTED = new ArrayList<>();

    @BeforeAll
    static void writeKpis() throws Exception {
        config = new TallyConfig();
        config.kafka.bootstrapServers = KAFKA.bootstrapServers();
        config.kafka.transactionalIdPrefix = "example-consumers";
        Topics.createAll(KAFKA.admin(), config, 2); // tally.kpis compacted, as `local` and the compose stack make it

        // Through Tally's KPI sink (KafkaSinks: per-partition order, producer settings of KafkaIo, LZ4): every window
        // updated while open (final false), then its final record.
        List<Kpi> updates = new ArrayList<>();
        String[][] keys = {{"ALL", "*"}, {"MERCHANT", "m-1"}, {"CREATOR", "c-1"}, {"CREATOR", "c-2"}, {"PRODUCT", "p-1"}};
        for (int update = 1; update <= 3; update++) {
            for (String[] key : keys) {
                for (long[] window : new long[][]{{T0, MINUTE}, {T0 + MINUTE, MINUTE}, {T0, HOUR}}) {
                    updates.add(kpi(key[0], key[1], window[0], window[1], update * 10L, update == 3));
                }
            }
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        new KafkaSinks(config).write(Stream.KPIS, env.fromData(Kpi.class, updates.toArray(new Kpi[0])), Kpi::kafkaKey);
        env.execute("example consumers: KPI records");
        for (Kpi k : updates) LATEST.put(k.kafkaKey(), Json.write(k));

        // Transactions through a producer with the same settings: an aborted one holding a new window and a later
        // value of a known one, a committed one, and another aborted one last (partitions end on transaction markers).
        Properties props = KafkaIo.producerProperties(config);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "example-consumers-test");
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            transaction(producer, false, kpi("CREATOR", "c-1", T0, MINUTE, 999, true),
                    kpi("CREATOR", "c-aborted", T0, MINUTE, 1, false));
            transaction(producer, true, kpi("PRODUCT", "p-1", T0, HOUR, 31, true), kpi("TIER", "NANO", T0, HOUR, 7, true));
            transaction(producer, false, kpi("ALL", "*", T0, HOUR, 777, true), kpi("TIER", "MEGA", T0, HOUR, 1, false));
        }
    }

    @Test
    void theTopicHoldsLz4BatchesAndAbortedRecordsThatOnlyReadUncommittedSees() throws IOException {
        // The broker's log of the topic, batch by batch: what a consumer's client has to decompress.
        List<CompressionType> dataBatches = new ArrayList<>();
        int controlBatches = 0;
        int endingOnMarkers = 0;
        List<Path> logs;
        try (java.util.stream.Stream<Path> files = Files.walk(KAFKA.kafka().dataDir())) {
            logs = files.filter(p -> p.getParent().getFileName().toString().startsWith(config.topic(Stream.KPIS) + "-")
                    && p.toString().endsWith(".log")).toList();
        }
        for (Path log : logs) {
            try (FileRecords records = FileRecords.open(log.toFile(), false)) {
                RecordBatch last = null;
                for (RecordBatch batch : records.batches()) {
                    if (batch.isControlBatch()) controlBatches++;
                    else dataBatches.add(batch.compressionType());
                    last = batch;
                }
                if (last != null && last.isControlBatch()) endingOnMarkers++;
            }
        }
        assertThat(logs).hasSize(2);
        assertThat(dataBatches).isNotEmpty().containsOnly(CompressionType.LZ4);
        assertThat(controlBatches).as("transaction markers").isPositive();
        assertThat(endingOnMarkers).as("partitions ending on a transaction marker").isEqualTo(logs.size());

        // The aborted records are in the log: only read_committed keeps them out.
        List<String> uncommitted = readAllValues("read_uncommitted");
        assertThat(uncommitted).containsAll(ABORTED);
        List<String> committed = readAllValues("read_committed");
        assertThat(committed).doesNotContainAnyElementsOf(ABORTED).containsAll(LATEST.values());
        assertThat(committed.size()).isGreaterThan(LATEST.size()); // several updates of each window
    }

    @Test
    void thePythonExamplePrintsTheLatestCommittedRecordOfEveryWindow() throws Exception {
        Result probe = tryRun(List.of(PYTHON, "-c", "import confluent_kafka"), ROOT, Duration.ofSeconds(30));
        available(probe != null && probe.exit == 0, PYTHON + " with confluent_kafka (Debian: python3-confluent-kafka)"
                + (probe == null ? "" : ": " + probe.stderr));

        Result r = run(List.of(PYTHON, ROOT.resolve("examples/python/latest_kpis.py").toString(),
                KAFKA.bootstrapServers(), config.topic(Stream.KPIS)), ROOT, Duration.ofSeconds(60));
        assertPrintsTheLatest(r);
    }

    @Test
    void theNodeExamplePrintsTheLatestCommittedRecordOfEveryWindow() throws Exception {
        Result node = tryRun(List.of("node", "--version"), ROOT, Duration.ofSeconds(30));
        Result npm = tryRun(List.of("npm", "--version"), ROOT, Duration.ofSeconds(30));
        available(node != null && node.exit == 0 && npm != null && npm.exit == 0, "node and npm");

        // A copy under target/, so that node_modules never lands in the source tree.
        Path dir = ROOT.resolve("target/example-consumers/node");
        Files.createDirectories(dir);
        for (String f : List.of("package.json", "package-lock.json", "latest-kpis.js")) {
            Files.copy(ROOT.resolve("examples/node").resolve(f), dir.resolve(f),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Result install = run(List.of("npm", "ci", "--no-audit", "--no-fund"), dir, Duration.ofMinutes(5));
        assertThat(install.exit).as("npm ci failed:\n%s%s", install.stdout, install.stderr).isZero();

        Result r = run(List.of("node", "latest-kpis.js", KAFKA.bootstrapServers(), config.topic(Stream.KPIS)), dir,
                Duration.ofSeconds(60));
        assertPrintsTheLatest(r);
    }

    private static void assertPrintsTheLatest(Result r) {
        assertThat(r.exit).as("exit code; stderr:\n%s", r.stderr).isZero();
        assertThat(r.stdout.lines().toList()).as("stderr:\n%s", r.stderr).containsExactlyElementsOf(LATEST.values());
    }

    // ---- records ----

    private static Kpi kpi(String dimension, String key, long windowStart, long size, long views, boolean isFinal) {
        Kpi k = new Kpi();
        k.dimension = Dimension.valueOf(dimension).name();
        k.key = key;
        k.windowStart = windowStart;
        k.windowEnd = windowStart + size;
        k.isFinal = isFinal;
        k.views = views;
        k.clicks = views / 10;
        k.ctr = views == 0 ? null : (double) k.clicks / views;
        k.gmvCents = views * 1_250;
        k.netGmvCents = k.gmvCents;
        return k;
    }

    private static void transaction(KafkaProducer<String, String> producer, boolean commit, Kpi... kpis)
            throws Exception {
        producer.beginTransaction();
        for (Kpi k : kpis) {
            producer.send(new ProducerRecord<>(config.topic(Stream.KPIS), k.kafkaKey(), Json.write(k))).get();
        }
        if (commit) {
            producer.commitTransaction();
            for (Kpi k : kpis) LATEST.put(k.kafkaKey(), Json.write(k));
        } else {
            producer.abortTransaction();
            for (Kpi k : kpis) ABORTED.add(Json.write(k));
        }
    }

    private static List<String> readAllValues(String isolation) {
        Map<String, Object> props = KAFKA.clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            ReadCommitted.assignFromBeginning(consumer, List.of(config.topic(Stream.KPIS)), Duration.ofSeconds(30));
            assertThat(ReadCommitted.drain(consumer, Duration.ofSeconds(30), (ConsumerRecord<String, String> r) ->
                    values.add(r.value()))).as("read to the end").isTrue();
        }
        return values;
    }

    // ---- processes ----

    private record Result(int exit, String stdout, String stderr) {}

    /** Skipped outside CI where the example's runtime is missing; a failure in CI, which installs them. */
    private static void available(boolean available, String what) {
        if (available) return;
        if (CI) fail(what + " missing: .ci/run installs it");
        assumeTrue(false, what + " missing: example skipped (CI installs it)");
    }

    /** The result, or null if the program cannot be started at all. */
    private static Result tryRun(List<String> command, Path dir, Duration timeout) throws Exception {
        try {
            return run(command, dir, timeout);
        } catch (IOException e) {
            return null;
        }
    }

    private static Result run(List<String> command, Path dir, Duration timeout) throws Exception {
        Path out = Files.createTempFile("example-out", ".txt");
        Path err = Files.createTempFile("example-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                fail(String.join(" ", command) + " did not end within " + timeout + "; stderr:\n"
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static Path repoRoot() {
        for (Path p = Paths.get(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("examples"))) return p;
        }
        throw new IllegalStateException("no pom.xml with an examples/ directory above " + System.getProperty("user.dir"));
    }
}
