package io.tally;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.config.TallyConfig;
import io.tally.event.Stream;
import io.tally.generate.FileOutput;
import io.tally.generate.GeneratedRecord;
import io.tally.generate.Generator;
import io.tally.generate.GeneratorSettings;
import io.tally.pipeline.Replay;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Consumers of Tally's topics validate its records with their own validators: every record of a generated replay,
 * inputs and outputs, is valid for python-jsonschema (Debian's, as {@code .ci/run} installs it) and for ajv (Draft
 * 2020-12, default options, the exact version of {@code src/test/validators/package-lock.json}) as much as for the
 * Java validator of {@link SchemaSupport}; and ajv compiles every schema without a strict-mode error or warning.
 * These validators compute in binary floating point: {@code multipleOf: 0.01} on money failed records such as
 * {@code lineAmount: 19.99} (issue #14).
 *
 * <p>The scripts of {@code src/test/validators/} run from {@code target/consumer-validators/}, where
 * {@code npm ci} installs ajv (never into the source tree). Without node, npm or Debian's python3 with jsonschema the
 * test is skipped, except under CI ({@code CI=true}), where it fails.
 */
class ConsumerValidatorsTest {
    private static final Path BASEDIR = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    private static final Path SOURCES = BASEDIR.resolve("src/test/validators");
    private static final Path WORK = BASEDIR.resolve("target/consumer-validators");
    private static final Path NODE = Path.of("/usr/bin/node");
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Duration NPM_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration VALIDATOR_TIMEOUT = Duration.ofMinutes(2);
    /** Rejections shown per stream when a validator rejects records. */
    private static final int SHOWN = 3;
    /** Money as Tally writes it: plain notation, exactly 2 decimals. */
    private static final Pattern WRITTEN_MONEY = Pattern.compile("-?(0|[1-9][0-9]*)\\.[0-9]{2}");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    /** The JSON Lines file of every stream validated: the generator's valid records and every replay output. */
    static final Map<Stream, Path> FILES = new EnumMap<>(Stream.class);
    static final Map<Stream, Long> LINES = new EnumMap<>(Stream.class);

    @BeforeAll
    static void replayAndInstall() throws Exception {
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        String missing = missingTools();
        if (missing != null) {
            if (ci) fail("consumers' validators cannot run under CI: " + missing);
            System.err.println("ConsumerValidatorsTest skipped: consumers' validators cannot run here: " + missing);
            assumeTrue(false, "consumers' validators cannot run here: " + missing);
        }
        long start = System.nanoTime();
        installValidators();
        long installed = System.nanoTime();
        generateAndReplay();
        long replayed = System.nanoTime();
        System.out.printf("ConsumerValidatorsTest: npm ci %d ms, generate and replay %d ms; records %s%n",
                (installed - start) / 1_000_000, (replayed - installed) / 1_000_000, LINES);
    }

    /** What the validators need that this machine lacks; null when nothing is missing. */
    private static String missingTools() {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(NODE)) missing.add(NODE + " (Node.js)");
        if (npm() == null) missing.add("npm");
        if (!Files.isExecutable(PYTHON)) {
            missing.add(PYTHON.toString());
        } else if (run(List.of(PYTHON.toString(), "-c", "import jsonschema"), BASEDIR, Duration.ofSeconds(30)).exit != 0) {
            missing.add("python3-jsonschema for " + PYTHON);
        }
        return missing.isEmpty() ? null : String.join(", ", missing);
    }

    /** npm on the PATH; null when there is none. */
    private static Path npm() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (d.isEmpty()) continue;
            Path npm = Path.of(d, "npm");
            if (Files.isExecutable(npm)) return npm;
        }
        return null;
    }

    /** Copies the scripts and the npm manifest to target/ and installs the locked ajv there. */
    private static void installValidators() throws IOException {
        Files.createDirectories(WORK);
        try (var files = Files.list(SOURCES)) {
            for (Path f : files.toList()) {
                if (Files.isRegularFile(f)) {
                    Files.copy(f, WORK.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Result npm = run(List.of(npm().toString(), "ci", "--no-audit", "--no-fund"), WORK, NPM_TIMEOUT);
        assertThat(npm.exit).as("npm ci in %s:%n%s%n%s", WORK, npm.stdout, npm.stderr).isZero();
    }

    /**
     * Alert rules besides the generator's, in force from ts, that fire and resolve often: thousands of alerts, many
     * of them with money values (aov, cpa, marginPerOrder).
     */
    private static List<String> moreAlertRules(long ts) {
        return List.of(
                rule("cv-views", ts, "CONTENT", "views", ">=", "2"),
                rule("cv-clicks", ts, "CREATOR", "clicks", ">=", "1"),
                rule("cv-product-aov", ts, "PRODUCT", "aov", ">", "30"),
                rule("cv-merchant-aov", ts, "MERCHANT", "aov", ">", "{\"baseline\": {\"windows\": 3, \"factor\": 1.0}}"),
                rule("cv-cpa", ts, "CREATOR", "cpa", ">", "{\"metric\": \"marginPerOrder\"}"));
    }

    private static String rule(String ruleId, long ts, String dimension, String metric, String op, String threshold) {
        return "{\"ruleId\": \"" + ruleId + "\", \"ts\": " + ts + ", \"dimension\": \"" + dimension
                + "\", \"window\": \"1h\", \"metric\": \"" + metric + "\", \"op\": \"" + op + "\", \"threshold\": "
                + threshold + "}";
    }

    /**
     * Reviews of every rating, with and without an order, validated besides the generator's (which may make none):
     * consumers' validators see the reviews schema at work. They are not replayed.
     */
    private static List<String> handWrittenReviews(long ts) {
        List<String> reviews = new ArrayList<>();
        for (int rating = 1; rating <= 5; rating++) {
            reviews.add("{\"eventId\": \"cv-review-" + rating + "\", \"ts\": " + (ts + rating)
                    + ", \"userId\": \"cv-u\", \"productId\": \"cv-p\", \"merchantId\": \"cv-m\", \"rating\": " + rating
                    + (rating % 2 == 0 ? ", \"orderId\": \"cv-o\"" : "") + "}");
        }
        return reviews;
    }

    /**
     * A seeded generated data set of 70,000 lines over three simulated days (sparse, so that clicks convert into
     * thousands of attributed order lines), with invalid lines and duplicates (thousands of dead letters) and
     * {@link #moreAlertRules}, replayed with KPI windows of 1h and 1d (1m windows would make KPI records the bulk of
     * it). The generator's invalid lines are replayed but not validated as inputs: they are deliberately not records.
     * {@link #handWrittenReviews} are validated as inputs but not replayed.
     */
    private static void generateAndReplay() throws Exception {
        GeneratorSettings settings = new GeneratorSettings();
        settings.seed = 14;
        settings.eventsPerSimulatedSecond = 0.25;
        settings.invalid = 0.03;
        settings.duplicates = 0.02;
        Generator generator = new Generator(settings);
        Path in = dir.resolve("in");
        Path valid = dir.resolve("valid-in");
        Files.createDirectories(valid);
        Map<Stream, BufferedWriter> validWriters = new EnumMap<>(Stream.class);
        try (FileOutput replayInput = new FileOutput(in)) {
            for (Stream s : Stream.values()) {
                if (s.isInput()) validWriters.put(s, Files.newBufferedWriter(valid.resolve(s.wireName() + ".jsonl")));
            }
            for (int i = 0; i < 70_000; i++) {
                GeneratedRecord r = generator.next();
                replayInput.write(r);
                if (!r.isRaw()) {
                    validWriters.get(r.stream()).write(r.json());
                    validWriters.get(r.stream()).write('\n');
                }
            }
        } finally {
            for (BufferedWriter w : validWriters.values()) w.close();
        }
        // First in the file: a record behind its stream's watermark would be a LATE dead letter.
        String rules = String.join("\n", moreAlertRules(settings.startTs)) + "\n";
        for (Path d : List.of(in, valid)) {
            Path file = d.resolve("alert-rules.jsonl");
            Files.writeString(file, rules + Files.readString(file), StandardCharsets.UTF_8);
        }
        Files.writeString(valid.resolve(Stream.REVIEWS.wireName() + ".jsonl"),
                String.join("\n", handWrittenReviews(settings.startTs)) + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);
        TallyConfig config = new TallyConfig();
        config.kpis.windows = new ArrayList<>(List.of(Duration.ofHours(1), Duration.ofDays(1)));
        Path out = dir.resolve("out");
        Replay.run(in, out, config, 2);
        for (Stream s : Stream.values()) {
            Path file = s.isInput() ? valid.resolve(s.wireName() + ".jsonl") : out.resolve(s.wireName() + ".jsonl");
            FILES.put(s, file);
            try (var lines = Files.lines(file)) {
                LINES.put(s, lines.filter(l -> !l.isBlank()).count());
            }
        }
    }

    @Test
    void theDataSetHasThousandsOfRecordsOfEveryOutput() {
        for (Stream output : Replay.OUTPUTS) assertThat(LINES.get(output)).as(output.wireName()).isGreaterThan(1000);
    }

    @Test
    void javaValidatorAcceptsEveryRecord() {
        FILES.forEach((stream, file) -> SchemaSupport.assertValidLines(stream.wireName(), file));
    }

    /** What replaces multipleOf 0.01 for Tally's outputs: the text of every money value written has 2 decimals. */
    @Test
    void everyMoneyValueOfTheOutputsHas2Decimals() throws IOException {
        for (Stream output : Replay.OUTPUTS) {
            List<String> bad = new ArrayList<>();
            long values = 0;
            for (String line : Files.readAllLines(FILES.get(output))) {
                for (String money : SchemaSupport.moneyValues(output.wireName(), line)) {
                    values++;
                    if (!WRITTEN_MONEY.matcher(money.substring(money.indexOf('=') + 1)).matches() && bad.size() < 5) {
                        bad.add(money + " in " + line);
                    }
                }
            }
            assertThat(bad).as(output.wireName()).isEmpty();
            if (!SchemaSupport.moneyFields(output.wireName()).isEmpty()) assertThat(values).as(output.wireName()).isPositive();
        }
    }

    @Test
    void pythonJsonschemaAcceptsEveryRecord() {
        assertAccepted(List.of(PYTHON.toString(), WORK.resolve("validate_jsonschema.py").toString()));
    }

    @Test
    void ajvAcceptsEveryRecordAndCompilesEverySchemaWithoutAWarning() {
        assertAccepted(List.of(NODE.toString(), WORK.resolve("validate-ajv.js").toString()));
    }

    /** Runs a validator script over every file; fails with the first rejections of each stream. */
    private static void assertAccepted(List<String> script) {
        List<String> command = new ArrayList<>(script);
        command.add(BASEDIR.resolve("schemas").toString());
        FILES.forEach((stream, file) -> command.add(stream.wireName() + "=" + file));
        long start = System.nanoTime();
        Result result = run(command, WORK, VALIDATOR_TIMEOUT);
        long ms = (System.nanoTime() - start) / 1_000_000;
        JsonNode report;
        try {
            report = JSON.readTree(result.stdout);
        } catch (IOException | RuntimeException e) {
            throw new AssertionError(script + " exited with " + result.exit + " without a report:\n" + result.stdout
                    + "\n" + result.stderr, e);
        }
        System.out.printf("ConsumerValidatorsTest: %s validated %s records in %d ms%n",
                report.path("validator").asText(), LINES.values().stream().mapToLong(Long::longValue).sum(), ms);

        List<String> problems = new ArrayList<>();
        report.path("compileErrors").forEach(e -> problems.add("schema does not compile: " + e.asText()));
        report.path("warnings").forEach(w -> problems.add("warning while compiling: " + w.asText()));
        Map<String, Long> checked = new LinkedHashMap<>();
        FILES.keySet().forEach(stream -> {
            JsonNode r = report.path("streams").path(stream.wireName());
            checked.put(stream.wireName(), r.path("records").asLong(-1));
            if (r.path("rejected").asLong() > 0) {
                StringBuilder sb = new StringBuilder(stream.wireName() + ": " + r.path("rejected").asLong() + " of "
                        + r.path("records").asLong() + " records rejected, e.g.");
                int shown = 0;
                for (JsonNode first : r.path("first")) {
                    if (shown++ == SHOWN) break;
                    sb.append("\n    line ").append(first.path("line").asLong()).append(": ")
                            .append(first.path("errors")).append("\n      ").append(first.path("record").asText().strip());
                }
                problems.add(sb.toString());
            }
        });
        assertThat(problems).as("%s (exit %d)%s", report.path("validator").asText(), result.exit,
                result.stderr.isBlank() ? "" : "\nstderr: " + result.stderr).isEmpty();
        Map<String, Long> expected = new LinkedHashMap<>();
        LINES.forEach((stream, n) -> expected.put(stream.wireName(), n));
        assertThat(checked).as("records validated per stream").isEqualTo(expected);
        assertThat(result.exit).as(result.stderr).isZero();
    }

    private record Result(int exit, String stdout, String stderr) {}

    /** Runs a command with a timeout; stdout and stderr go to files, so neither can fill a pipe and block it. */
    private static Result run(List<String> command, Path workDir, Duration timeout) {
        try {
            Path out = Files.createTempFile("validator", ".out");
            Path err = Files.createTempFile("validator", ".err");
            try {
                Process p = new ProcessBuilder(command).directory(workDir.toFile())
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly().waitFor();
                    throw new AssertionError(command + " did not finish within " + timeout + ":\n"
                            + Files.readString(err));
                }
                return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        }
    }
}
