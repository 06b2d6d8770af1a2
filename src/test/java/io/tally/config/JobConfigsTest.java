package io.tally.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped {@code jobs/*.yaml}: they load, and every value they spell out is the code's default. */
class JobConfigsTest {
    private static final Path JOBS = repoRoot().resolve("jobs");
    private static final Map<String, String> NO_ENV = Map.of();

    @ParameterizedTest
    @ValueSource(strings = {"attribution", "kpis", "alerts"})
    void eachJobFileLoadsAndNamesItsJob(String job) {
        TallyConfig c = ConfigLoader.load(JOBS.resolve(job + ".yaml"), NO_ENV);
        assertThat(c.job.name).isEqualTo("tally-" + job);
        assertThat(c.kafka.groupId).isEqualTo("tally-" + job);
        assertThat(c.kafka.transactionalIdPrefix).isEqualTo("tally-" + job);
        assertThat(c.kafka.bootstrapServers).isEqualTo("localhost:9092");
        assertThat(c.checkpoints.dir).isEqualTo("file:///tmp/tally/checkpoints/" + job);
        assertThat(c.kafka.properties).as("the SASL/SSL example stays commented out").isEmpty();
    }

    @Test
    void everyFileInJobsLoads() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(JOBS)) {
            files = list.filter(p -> p.toString().endsWith(".yaml")).sorted().collect(Collectors.toList());
        }
        assertThat(files).extracting(p -> p.getFileName().toString())
                .containsExactly("alerts.yaml", "attribution.yaml", "kpis.yaml");
        for (Path f : files) ConfigLoader.load(f, NO_ENV);
    }

    @Test
    void brokersComeFromTheEnvironment() {
        TallyConfig c = ConfigLoader.load(JOBS.resolve("kpis.yaml"), Map.of("KAFKA_BOOTSTRAP_SERVERS", "k1:9092,k2:9092"));
        assertThat(ConfigLoader.kafkaClientProperties(c).getProperty("bootstrap.servers")).isEqualTo("k1:9092,k2:9092");
    }

    @ParameterizedTest
    @ValueSource(strings = {"attribution", "kpis", "alerts"})
    void theFilesSpellOutTheDefaults(String job) {
        TallyConfig loaded = ConfigLoader.load(JOBS.resolve(job + ".yaml"), NO_ENV);
        TallyConfig expected = new TallyConfig();
        expected.job.name = "tally-" + job;
        expected.kafka.groupId = "tally-" + job;
        expected.kafka.transactionalIdPrefix = "tally-" + job;
        expected.checkpoints.dir = "file:///tmp/tally/checkpoints/" + job;
        expected.alerts.rules = loaded.alerts.rules; // checked on their own below
        assertThat(ConfigLoader.describe(loaded)).isEqualTo(ConfigLoader.describe(expected));
    }

    @Test
    void theAlertsJobShipsTheDefaultRules() {
        List<Map<String, Object>> rules = ConfigLoader.load(JOBS.resolve("alerts.yaml"), NO_ENV).alerts.rules;
        assertThat(rules).extracting(r -> r.get("ruleId"))
                .containsExactly("cpa-above-margin", "conversion-drop", "viral-spike", "stock-out-while-promoted",
                        "review-score-drop");

        assertRule(rules.get(0), "CREATOR", "1h", "cpa", ">", Map.of("metric", "marginPerOrder"), "attributedOrders", 5, false);
        assertRule(rules.get(1), "CREATOR", "1h", "conversionRate", "<",
                Map.of("baseline", Map.of("windows", 24, "factor", 0.5)), "clicks", 50, false);
        assertRule(rules.get(2), "CONTENT", "1m", "views", ">",
                Map.of("baseline", Map.of("windows", 30, "factor", 10)), "views", 100, true);
        assertRule(rules.get(3), "PRODUCT", "1m", "stock", "<=", 0, "clicks", 1, true);
        // CONTRACT section 8: a low average rating of a product while it is being promoted (clicked in the same window).
        assertRule(rules.get(4), "PRODUCT", "1h", "avgRating", "<", 3.0, "reviews", 5, false);
        assertThat(rules.get(4)).containsEntry("alsoRequire", Map.of("metric", "clicks", "op", ">=", "value", 1));
        assertThat(rules.subList(0, 4)).allSatisfy(rule -> assertThat(rule).doesNotContainKey("alsoRequire"));
        for (Map<String, Object> rule : rules) {
            assertThat(rule).containsEntry("ts", 0).containsEntry("forWindows", 1).containsEntry("enabled", true);
        }
    }

    private static void assertRule(Map<String, Object> rule, String dimension, String window, String metric, String op,
            Object threshold, String sampleMetric, int sampleValue, boolean early) {
        assertThat(rule).as(String.valueOf(rule.get("ruleId")))
                .containsEntry("dimension", dimension)
                .containsEntry("window", window)
                .containsEntry("metric", metric)
                .containsEntry("op", op)
                .containsEntry("threshold", threshold)
                .containsEntry("minSample", Map.of("metric", sampleMetric, "value", sampleValue))
                .containsEntry("early", early);
    }

    /** The directory holding pom.xml, from the working directory up (Maven runs tests in the project's base dir). */
    static Path repoRoot() {
        for (Path p = Paths.get(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("jobs"))) return p;
        }
        throw new IllegalStateException("no pom.xml with a jobs/ directory above " + System.getProperty("user.dir"));
    }
}
