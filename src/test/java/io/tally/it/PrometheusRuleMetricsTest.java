package io.tally.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.tally.cli.RunCommand;
import io.tally.config.ConfigLoader;
import io.tally.config.TallyConfig;
import io.tally.event.Stream;
import io.tally.local.Topics;
import io.tally.pipeline.Environments;
import io.tally.pipeline.Job;
import io.tally.testing.KafkaBroker;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every metric the operators' alert rules ({@code jobs/prometheus/tally-rules.yml}) query is one Flink's Prometheus
 * reporter really exports, under that exact name, with the labels the rules select and group by: the whole pipeline
 * (the attribution, KPI and alerts jobs deployed apart under their shipped names, checkpoints on) runs on
 * MiniClusters with the reporter on free ports, fed through a real broker with valid, malformed and late records, and
 * the reporters' endpoints are scraped over HTTP as Prometheus would, until everything the rules name is there:
 * every metric name, every label they select or group by, and every label value they compare with (job names,
 * streams, dead-letter reasons, touches). A rule that names a metric Flink does not export
 * would never fire; this is what catches it. (promtool's own checks of the file are in
 * {@code io.tally.deploy.PrometheusRulesTest}.)
 */
class PrometheusRuleMetricsTest {
    private static final Path RULES = Path.of("jobs/prometheus/tally-rules.yml");
    private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00Z
    /** A metric name of Flink's reporter: every scope and group joined by {@code _}, starting at {@code flink_}. */
    private static final Pattern METRIC = Pattern.compile("\\b(flink_[A-Za-z0-9_]+)\\b");
    /** A selector's label matchers: {@code name{label="value", label=~"regex"}}. */
    private static final Pattern SELECTOR = Pattern.compile("\\b(flink_[A-Za-z0-9_]+)\\s*\\{([^}]*)}");
    private static final Pattern MATCHER = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"");
    /** Labels a rule aggregates by: {@code by (a, b)} or {@code without (a)}, and {@code on (a)} of a binary operation. */
    private static final Pattern GROUPING = Pattern.compile("\\b(?:by|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @TempDir
    Path dir;

    @Test
    void everyMetricTheAlertRulesQueryIsExportedWithTheLabelsTheyUse() throws Exception {
        List<String> expressions = expressions();
        Map<String, Set<String>> referenced = referencedMetrics(expressions);
        assertThat(referenced).as("metrics the rules query").isNotEmpty();

        // The three jobs deployed apart, as the compose stack and the Kubernetes manifests run them, under the names
        // of their shipped job files: the KPI job reads the attributions topic, the alerts job the KPI topic. Each
        // runs on its own MiniCluster (one JobManager and TaskManager, both scopes in one reporter) and port.
        List<JobClient> jobs = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        String scraped;
        try {
            TallyConfig attribution = null;
            for (Job job : List.of(Job.ATTRIBUTION, Job.KPIS, Job.ALERTS)) {
                String name = ConfigLoader.load(Path.of("jobs", job.name().toLowerCase(java.util.Locale.ROOT) + ".yaml")).job.name;
                TallyConfig config = TestJobs.config(KAFKA, dir.resolve(name), name, 1);
                if (attribution == null) {
                    attribution = config;
                    Topics.createAll(KAFKA.admin(), config, 1);
                }
                int port = freePort();
                Configuration conf = Environments.flinkConfiguration(config, Environments.Mode.LOCAL);
                conf.setString("metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
                conf.setString("metrics.reporter.prom.port", String.valueOf(port));
                StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
                env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
                RunCommand.build(env, job, config);
                jobs.add(env.executeAsync(config.job.name));
                ports.add(port);
            }
            TallyConfig config = attribution;
            List<ProducerRecord<String, String>> records = new ArrayList<>();
            KafkaPipelineTest.ticks("o-1", T0).forEach((s, json) -> records.add(new ProducerRecord<>(config.topic(s), json)));
            records.add(new ProducerRecord<>(config.topic(Stream.ORDERS), "{not json"));
            KafkaPipelineTest.ticks("o-2", T0 + 60_000).forEach((s, json) -> records.add(new ProducerRecord<>(config.topic(s), json)));
            // A minute behind the clicks already read, beyond the watermark bound: a LATE dead letter.
            records.add(new ProducerRecord<>(config.topic(Stream.CLICKS), KafkaPipelineTest.ticks("late", T0).get(Stream.CLICKS)));
            KAFKA.produce(records);

            scraped = awaitScrape(ports, Duration.ofSeconds(120), text -> missing(text, expressions, referenced).isEmpty(),
                    text -> missing(text, expressions, referenced).toString());
        } finally {
            for (JobClient job : jobs) job.cancel().get();
        }
        assertThat(missing(scraped, expressions, referenced)).isEmpty();
        // Flink writes `-` in a label value as `_`: the job names the rules select are written so.
        assertThat(scraped).contains("job_name=\"tally_attribution\"");
    }

    /** The expressions of every rule (alerting and recording) in the rules file. */
    private static List<String> expressions() throws IOException {
        JsonNode file = new YAMLMapper().readTree(Files.readString(RULES));
        List<String> out = new ArrayList<>();
        for (JsonNode group : file.get("groups")) {
            for (JsonNode rule : group.get("rules")) out.add(rule.get("expr").asText());
        }
        return out;
    }

    /** Metric name -> the label matchers written in its selectors ({@code label=value} for equality, else the label). */
    private static Map<String, Set<String>> referencedMetrics(List<String> expressions) {
        Map<String, Set<String>> m = new TreeMap<>();
        for (String expr : expressions) {
            Matcher names = METRIC.matcher(expr);
            while (names.find()) m.computeIfAbsent(names.group(1), k -> new TreeSet<>());
            Matcher selectors = SELECTOR.matcher(expr);
            while (selectors.find()) {
                Matcher matchers = MATCHER.matcher(selectors.group(2));
                while (matchers.find()) {
                    String label = matchers.group(1);
                    String op = matchers.group(2);
                    String value = matchers.group(3);
                    Set<String> wanted = m.get(selectors.group(1));
                    wanted.add(label);
                    if (op.equals("=")) {
                        wanted.add(label + "=" + value);
                    } else if (op.equals("=~") && value.matches("[A-Za-z0-9_]+(\\|[A-Za-z0-9_]+)*")) {
                        // A list of alternatives (stream=~"views|clicks"): each one is a value the metric takes.
                        for (String v : value.split("\\|")) wanted.add(label + "=" + v);
                    }
                }
            }
        }
        return m;
    }

    /**
     * What the scrape lacks: metric names absent from it, selector labels or label values no sample of the metric
     * has, and labels a rule groups by that no metric of the same rule carries.
     */
    private static List<String> missing(String scrape, List<String> expressions, Map<String, Set<String>> referenced) {
        Map<String, List<Map<String, String>>> samples = parse(scrape);
        List<String> missing = new ArrayList<>();
        referenced.forEach((name, matchers) -> {
            List<Map<String, String>> series = samples.get(name);
            if (series == null) {
                missing.add(name);
                return;
            }
            for (String matcher : matchers) {
                String[] kv = matcher.split("=", 2);
                boolean found = series.stream().anyMatch(labels -> kv.length == 1
                        ? labels.containsKey(kv[0])
                        : kv[1].equals(labels.get(kv[0])));
                if (!found) missing.add(name + "{" + (kv.length == 1 ? kv[0] : kv[0] + "=\"" + kv[1] + "\"") + "}");
            }
        });
        for (String expr : expressions) {
            Set<String> grouped = new TreeSet<>();
            Matcher g = GROUPING.matcher(expr);
            while (g.find()) {
                for (String l : g.group(1).split(",")) if (!l.isBlank()) grouped.add(l.trim());
            }
            // A label a rule groups or matches by is on some metric of the rule (the other side of a group_left
            // has fewer labels).
            Set<String> carried = new TreeSet<>();
            Matcher names = METRIC.matcher(expr);
            while (names.find()) {
                samples.getOrDefault(names.group(1), List.of()).forEach(labels -> carried.addAll(labels.keySet()));
            }
            for (String label : grouped) {
                if (!carried.contains(label)) missing.add("label " + label + " that a rule groups by, in: " + expr);
            }
        }
        return missing;
    }

    private static final Pattern SAMPLE = Pattern.compile("^([A-Za-z_:][A-Za-z0-9_:]*)(?:\\{(.*)})? \\S+$", Pattern.MULTILINE);
    private static final Pattern LABEL = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** Metric name -> the label sets of its samples, from the text exposition format. */
    private static Map<String, List<Map<String, String>>> parse(String scrape) {
        Map<String, List<Map<String, String>>> m = new HashMap<>();
        Matcher s = SAMPLE.matcher(scrape);
        while (s.find()) {
            Map<String, String> labels = new HashMap<>();
            if (s.group(2) != null) {
                Matcher l = LABEL.matcher(s.group(2));
                while (l.find()) labels.put(l.group(1), l.group(2));
            }
            m.computeIfAbsent(s.group(1), k -> new ArrayList<>()).add(labels);
        }
        return m;
    }

    @FunctionalInterface
    interface Check {
        boolean holds(String text);
    }

    /**
     * Scrapes until the check holds; fails after the deadline saying what is still missing. The last scrape is kept in
     * target/prometheus-rules-scrape.txt (what a reader of the rules can look names up in).
     */
    private static String awaitScrape(List<Integer> ports, Duration timeout, Check check,
            java.util.function.Function<String, String> why) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        String text = "";
        while (true) {
            StringBuilder all = new StringBuilder();
            for (int port : ports) {
                HttpRequest get = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics")).GET().build();
                try {
                    all.append(http.send(get, HttpResponse.BodyHandlers.ofString()).body()).append('\n');
                } catch (ConnectException notYet) {
                    // the reporter starts with the cluster
                } catch (IOException e) {
                    all.append("# ").append(e).append('\n');
                }
            }
            text = all.toString();
            if (check.holds(text)) break;
            if (System.nanoTime() > deadline) {
                Files.writeString(Path.of("target/prometheus-rules-scrape.txt"), text);
                throw new AssertionError("not in the scrape within " + timeout + ": " + why.apply(text)
                        + " (the last scrape is in target/prometheus-rules-scrape.txt)");
            }
            LockSupport.parkNanos(250_000_000L);
        }
        Files.writeString(Path.of("target/prometheus-rules-scrape.txt"), text);
        return text;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
