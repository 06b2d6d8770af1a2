package io.tally.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tally.config.TallyConfig;
import io.tally.event.Dimension;
import io.tally.event.Metric;
import io.tally.event.Stream;
import io.tally.generate.GeneratedRecord;
import io.tally.generate.Generator;
import io.tally.generate.GeneratorSettings;
import io.tally.pipeline.Job;
import io.tally.pipeline.Replay;
import io.tally.testing.KafkaBroker;
import io.tally.testing.Streams;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.util.FileUtils;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Savepoints of earlier versions restore with this code, the way Flink's own migration tests guard its upgrades.
 *
 * <p>For each version in {@link #VERSIONS}, {@code src/test/resources/savepoints/<version>/} keeps a savepoint of the
 * whole pipeline (every operator's state: deduplication, attribution, reversals, KPI windows, alerts, sources and
 * sinks) taken by that version without draining, after it had read the first {@value #BEFORE} records of a seeded
 * data set from topics of 4 partitions, {@code before/} the output it had committed by then, and the data set itself
 * ({@value #INPUT}), so that the test does not depend on today's generator. The test sends the
 * same records and the next {@value #AFTER} to a fresh broker, restores the savepoint with this code (no state may
 * be left unclaimed) and drains the job: what it commits must be the replay of all the records, less what the old
 * version had committed. Nothing lost, nothing doubled, across the upgrade.
 *
 * <p>A version that changes the state layout adds its own savepoint: {@code mvn verify -Dtest=SavepointCompatibilityTest
 * -Dtally.savepoint.create=VERSION} writes it (and README's Upgrading section lists the versions that restore).
 */
class SavepointCompatibilityTest {
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    /** The versions whose savepoints this code restores. */
    static final List<String> VERSIONS = List.of("0.2");
    /** The KPI dimensions added since a version (contract v1.2 after 0.2). */
    static final Map<String, Set<Dimension>> ADDED_SINCE =
            Map.of("0.2", EnumSet.of(Dimension.CATEGORY, Dimension.NICHE, Dimension.MATCH));
    private static final int BEFORE = 6_000;
    private static final int AFTER = 6_000;
    private static final int PARALLELISM = 2;
    /** The records read before the savepoint and sent after it, one JSON object per line, gzipped. */
    private static final String INPUT = "input.jsonl.gz";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path RESOURCES = Path.of(System.getProperty("basedir", ""), "src", "test", "resources", "savepoints");

    @TempDir
    static Path dir;
    /** The replay of each version's whole data set, by version: the same for every parallelism restored at. */
    private static final Map<String, Map<Stream, List<String>>> replays = new HashMap<>();

    /** A savepoint's data set: the records its version read before it, and those sent after. */
    record DataSet(List<Traffic.Input> before, List<Traffic.Input> after) {}

    /** The data set kept in a savepoint's directory. */
    private static DataSet readInput(Path kept) throws IOException {
        List<Traffic.Input> all = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(kept.resolve(INPUT))), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                JsonNode r = JSON.readTree(line);
                all.add(new Traffic.Input(Streams.ofWireName(r.get("stream").asText()), null, r.get("key").asText(),
                        r.get("value").asText(), r.get("ts").asLong()));
            }
        }
        return new DataSet(all.subList(0, BEFORE), all.subList(BEFORE, all.size()));
    }

    /**
     * The data set of a new savepoint: generated, then kept beside it, so that later changes to the generator do not
     * change what the old version read.
     */
    private static DataSet generateInput(Path target) throws IOException {
        GeneratorSettings settings = new GeneratorSettings();
        settings.seed = 7;
        settings.merchants = 4;
        settings.productsPerMerchant = 10;
        settings.creators = 40;
        settings.users = 1_000;
        settings.eventsPerSimulatedSecond = 2;
        Generator generator = new Generator(settings);
        DataSet data = new DataSet(take(generator, BEFORE), take(generator, AFTER));
        Files.createDirectories(target);
        try (Writer out = new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(target.resolve(INPUT))),
                StandardCharsets.UTF_8)) {
            for (List<Traffic.Input> part : List.of(data.before(), data.after())) {
                for (Traffic.Input r : part) {
                    ObjectNode line = JSON.createObjectNode().put("stream", r.stream().wireName()).put("key", r.key())
                            .put("value", r.json()).put("ts", r.ts());
                    out.write(JSON.writeValueAsString(line) + "\n");
                }
            }
        }
        return data;
    }

    @ParameterizedTest(name = "the savepoint of {0}, restored at parallelism {1}")
    @CsvSource({"0.2, 2", "0.2, 3"})
    void aSavepointOfAnEarlierVersionRestoresAndTheOutputStaysExact(String version, int parallelism) throws Exception {
        assertThat(VERSIONS).contains(version);
        Path kept = RESOURCES.resolve(version);
        assertThat(kept.resolve("savepoint").resolve("_metadata")).as("the savepoint of " + version).exists();
        DataSet data = readInput(kept);
        Path savepoint = copy(kept.resolve("savepoint"), dir.resolve("restore-" + version + "-" + parallelism));

        LiveRuns live = new LiveRuns(KAFKA, dir);
        TallyConfig config = config(live, "compat-" + version + "-" + parallelism, parallelism);
        freshTopics(live, config);
        send(config, data.before());
        send(config, data.after());
        JobClient job = live.start(config, Job.ALL, savepoint);
        live.drainOnceRead(job, config, Job.ALL);

        Map<Stream, List<String>> expected = new EnumMap<>(replayOf(version, data));
        for (Stream s : Replay.OUTPUTS) {
            List<String> committedBefore = lines(kept.resolve("before").resolve(s.wireName() + ".jsonl"));
            if (s == Stream.KPIS) {
                committedBefore = LiveRuns.comparable(s, committedBefore.stream().map(SavepointCompatibilityTest::upgraded).toList());
            }
            expected.put(s, StandaloneClusterIT.minus(expected.get(s), committedBefore));
        }
        assertThat(expected.get(Stream.ATTRIBUTIONS)).as("attributions after the restore").isNotEmpty();

        live.assertOutputsEqual(config, expected, Replay.OUTPUTS.stream().filter(s -> s != Stream.KPIS).toList());

        // Dimensions the old version did not have count from the upgrade on: compared apart.
        Set<Dimension> added = ADDED_SINCE.getOrDefault(version, Set.of());
        List<String> liveKpis = LiveRuns.comparable(Stream.KPIS, KAFKA.readAllValues(config.topic(Stream.KPIS)));
        Map<Boolean, List<String>> liveByAdded = byDimension(liveKpis, added);
        Map<Boolean, List<String>> expectedByAdded = byDimension(expected.get(Stream.KPIS), added);
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(StandaloneClusterIT.minus(liveByAdded.get(false), expectedByAdded.get(false)))
                .as("kpis records live and not in replay").isEmpty();
        softly.assertThat(StandaloneClusterIT.minus(expectedByAdded.get(false), liveByAdded.get(false)))
                .as("kpis records in replay and not live").isEmpty();
        if (!added.isEmpty()) assertAddedDimensions(softly, data, liveByAdded.get(true), replayOf(version, data));
        softly.assertAll();
    }

    /**
     * The dimensions a version added (README, Upgrading): the job restored from an older savepoint counts in them from
     * the upgrade on. So a window of theirs never holds more than the replay's (nothing doubled); NICHE windows that
     * start after the last record the old version read are the replay's exactly; CATEGORY and MATCH may read a
     * product's category as UNKNOWN until the product's next version, as the old KPI job kept no categories.
     */
    private static void assertAddedDimensions(SoftAssertions softly, DataSet data, List<String> live,
                                              Map<Stream, List<String>> replay) throws IOException {
        long lastReadBefore = data.before().stream().mapToLong(Traffic.Input::ts).max().orElseThrow();
        Map<String, JsonNode> replayNiches = new HashMap<>();
        Map<String, Long> replayClicksByWindow = new HashMap<>();
        for (String line : replay.get(Stream.KPIS)) {
            JsonNode k = JSON.readTree(line);
            if (k.get("dimension").asText().equals("NICHE")) replayNiches.put(window(k, true), k);
            if (!k.get("dimension").asText().equals("NICHE")) {
                replayClicksByWindow.merge(window(k, false), k.get("clicks").asLong(), Long::sum);
            }
        }
        Map<String, Long> liveClicksByWindow = new HashMap<>();
        int nichesAfter = 0;
        for (String line : live) {
            JsonNode k = JSON.readTree(line);
            if (!k.get("dimension").asText().equals("NICHE")) {
                liveClicksByWindow.merge(window(k, false), k.get("clicks").asLong(), Long::sum);
                continue;
            }
            JsonNode r = replayNiches.get(window(k, true));
            softly.assertThat(r).as("NICHE window %s in the replay", window(k, true)).isNotNull();
            if (r == null) continue;
            if (k.get("windowStart").asLong() > lastReadBefore) {
                nichesAfter++;
                softly.assertThat(k).as("NICHE window after the upgrade").isEqualTo(r);
            } else {
                for (String count : List.of("clicks", "views", "orders", "attributedOrders")) {
                    softly.assertThat(k.get(count).asLong()).as("%s of %s", count, window(k, true))
                            .isLessThanOrEqualTo(r.get(count).asLong());
                }
            }
        }
        softly.assertThat(nichesAfter).as("NICHE windows after the upgrade").isPositive();
        liveClicksByWindow.forEach((w, clicks) -> softly.assertThat(clicks).as("clicks of %s", w)
                .isLessThanOrEqualTo(replayClicksByWindow.getOrDefault(w, 0L)));
    }

    /** A KPI record's window, with its key or (for sums over keys) without. */
    private static String window(JsonNode k, boolean withKey) {
        return k.get("dimension").asText() + (withKey ? "|" + k.get("key").asText() : "") + "|"
                + k.get("windowStart").asLong() + "|" + k.get("windowEnd").asLong();
    }

    private static Map<Boolean, List<String>> byDimension(List<String> kpis, Set<Dimension> added) throws IOException {
        Map<Boolean, List<String>> split = new HashMap<>(Map.of(true, new ArrayList<>(), false, new ArrayList<>()));
        for (String line : kpis) split.get(added.contains(Dimension.valueOf(JSON.readTree(line).get("dimension").asText()))).add(line);
        return split;
    }

    /**
     * An old version's KPI record as this version writes it: the metrics it lacked are those of a window without
     * their input (0, or null where derived). The data sets of older versions hold no reviews. Not yet in
     * {@link LiveRuns#comparable} form.
     */
    private static String upgraded(String line) {
        try {
            ObjectNode k = (ObjectNode) JSON.readTree(line);
            for (Metric m : Metric.values()) {
                if (k.has(m.wireName())) continue;
                if (m.isBase()) k.put(m.wireName(), 0);
                else k.putNull(m.wireName());
            }
            return JSON.writeValueAsString(k);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the savepoint of this version; run on its own, see the class comment. */
    @Test
    @EnabledIfSystemProperty(named = "tally.savepoint.create", matches = ".+")
    void createTheSavepointOfThisVersion() throws Exception {
        String version = System.getProperty("tally.savepoint.create");
        Path target = RESOURCES.resolve(version);
        FileUtils.deleteFileOrDirectory(target.toFile());
        DataSet data = generateInput(target);
        LiveRuns live = new LiveRuns(KAFKA, dir);
        TallyConfig config = config(live, "create-" + version, PARALLELISM);
        freshTopics(live, config);
        send(config, data.before());
        JobClient job = live.start(config, Job.ALL);
        Path savepoint = live.stopOnceRead(job, config, Job.ALL, false);

        copy(savepoint, target.resolve("savepoint"));
        Files.createDirectories(target.resolve("before"));
        for (Stream s : Replay.OUTPUTS) {
            List<String> committed = LiveRuns.comparable(s, KAFKA.readAllValues(config.topic(s)));
            Files.write(target.resolve("before").resolve(s.wireName() + ".jsonl"), committed, StandardCharsets.UTF_8);
        }
        System.out.printf("savepoint of %s written to %s%n", version, target);
    }

    /**
     * The job's topics keep one name in every version ({@code compat.<stream>}): the savepoint holds its sources'
     * partitions by topic name.
     */
    private static TallyConfig config(LiveRuns live, String name, int parallelism) {
        TallyConfig config = live.config(name, parallelism);
        for (Stream s : Stream.values()) config.topics.put(s.wireName(), "compat." + s.wireName());
        return config;
    }

    /** The job's topics, created empty: the savepoint's offsets count from the start of each partition. */
    private static void freshTopics(LiveRuns live, TallyConfig config) throws Exception {
        Set<String> names = new HashSet<>();
        for (Stream s : Stream.values()) names.add(config.topic(s));
        names.retainAll(KAFKA.admin().listTopics().names().get());
        if (!names.isEmpty()) {
            KAFKA.admin().deleteTopics(names).all().get();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (names.stream().anyMatch(exists())) {
                assertThat(System.nanoTime()).as("topics %s deleted", names).isLessThan(deadline);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
        }
        live.createTopics(config);
    }

    private static Predicate<String> exists() throws Exception {
        Set<String> existing = KAFKA.admin().listTopics().names().get();
        return existing::contains;
    }

    /** The replay of all the version's records, computed once per version. */
    private static Map<Stream, List<String>> replayOf(String version, DataSet data) throws Exception {
        Map<Stream, List<String>> known = replays.get(version);
        if (known != null) return known;
        Path in = dir.resolve("replay-in-" + version);
        Traffic.writeReplayFiles(in, List.of(data.before(), data.after()));
        Path out = dir.resolve("replay-out-" + version);
        Replay.run(in, out, LiveRuns.replayConfig(), 2);
        Map<Stream, List<String>> expected = new EnumMap<>(Stream.class);
        for (Stream s : Replay.OUTPUTS) expected.put(s, LiveRuns.comparable(s, lines(out.resolve(s.wireName() + ".jsonl"))));
        replays.put(version, expected);
        return expected;
    }

    /** In order, keyed as the generator keys them: the same records land at the same offsets on every broker. */
    private static void send(TallyConfig config, List<Traffic.Input> records) throws Exception {
        try (Traffic.Sender sender = new Traffic.Sender(KAFKA.clientProperties(), config)) {
            sender.send(records, 0);
        }
    }

    private static List<Traffic.Input> take(Generator generator, int n) {
        List<Traffic.Input> records = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            GeneratedRecord r = generator.next();
            records.add(new Traffic.Input(r.stream(), null, r.key(), r.json(), r.ts()));
        }
        return records;
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).collect(Collectors.toList());
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (java.util.stream.Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.collect(Collectors.toList())) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return to;
    }
}
