package io.tally.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The operators' alert rules (jobs/prometheus/tally-rules.yml) are valid for Prometheus ({@code promtool check
 * rules}), each alert fires and stays quiet as its unit tests in tally-rules.test.yml say ({@code promtool test
 * rules}), every alert has such a test both ways, every alert has a {@code for}, a severity and annotations saying
 * what to do, and the compose stack's Prometheus loads the file. That the metrics the rules query are the ones Flink
 * exports is {@code io.tally.it.PrometheusRuleMetricsTest}. Outside CI (CI not "true") the promtool checks are skipped
 * when promtool is not installed; in CI (.ci/run installs Debian's prometheus package) they fail.
 */
class PrometheusRulesTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path RULES = ROOT.resolve("jobs/prometheus/tally-rules.yml");
    private static final Path TESTS = ROOT.resolve("jobs/prometheus/tally-rules.test.yml");
    private static final Set<String> SEVERITIES = Set.of("critical", "warning", "info");

    private static JsonNode rules;
    private static JsonNode tests;

    @BeforeAll
    static void load() throws IOException {
        rules = new YAMLMapper().readTree(Files.readString(RULES));
        tests = new YAMLMapper().readTree(Files.readString(TESTS));
    }

    @Test
    void promtoolChecksTheRulesFile() throws Exception {
        promtool("check", "rules", RULES.toString());
    }

    @Test
    void promtoolUnitTestsOfEveryRulePass() throws Exception {
        promtool("test", "rules", TESTS.toString());
    }

    @Test
    void everyAlertHasAUnitTestWhereItFiresAndOneWhereItDoesNot() {
        Map<String, Set<String>> outcomes = new TreeMap<>();
        for (String alert : alerts().keySet()) outcomes.put(alert, new TreeSet<>());
        assertThat(tests.get("rule_files")).extracting(JsonNode::asText).containsExactly(RULES.getFileName().toString());
        for (JsonNode test : tests.get("tests")) {
            for (JsonNode c : test.path("alert_rule_test")) {
                String alert = c.get("alertname").asText();
                assertThat(outcomes).as("tests of an alert the rules do not have").containsKey(alert);
                outcomes.get(alert).add(c.path("exp_alerts").isEmpty() ? "quiet" : "fires");
            }
        }
        outcomes.forEach((alert, seen) -> assertThat(seen).as(alert).containsExactlyInAnyOrder("fires", "quiet"));
    }

    @Test
    void everyAlertWaitsHasASeverityAndSaysWhatToDo() {
        alerts().forEach((name, rule) -> {
            assertThat(name).startsWith("Tally");
            assertThat(rule.path("for").asText()).as(name + " for").matches("\\d+[mh]");
            assertThat(rule.path("labels").path("severity").asText()).as(name + " severity").isIn(SEVERITIES);
            assertThat(rule.path("annotations").path("summary").asText()).as(name + " summary").isNotBlank();
            assertThat(rule.path("annotations").path("description").asText()).as(name + " description")
                    .contains("README.md");
        });
    }

    @Test
    void theAlertsTheReadmeExplainsAreTheRulesFilesAlerts() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        String section = readme.substring(readme.indexOf("### Alert rules for operators"));
        section = section.substring(0, section.indexOf("\n## "));
        Set<String> explained = new TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("`(Tally[A-Za-z]+)`").matcher(section);
        while (m.find()) explained.add(m.group(1));
        assertThat(explained).isEqualTo(alerts().keySet());
    }

    @Test
    void theComposeStacksPrometheusLoadsTheRules() throws IOException {
        Object yaml = new org.yaml.snakeyaml.Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
        JsonNode prometheus = new YAMLMapper().valueToTree(yaml).get("services").get("prometheus");
        String mountedAt = null;
        for (JsonNode volume : prometheus.path("volumes")) {
            String[] parts = volume.asText().split(":");
            if (parts[0].equals("./jobs/prometheus/tally-rules.yml")) mountedAt = parts[1];
        }
        assertThat(mountedAt).as("the rules file mounted into the prometheus service").isNotNull();
        JsonNode config = new YAMLMapper().readTree(Files.readString(ROOT.resolve("jobs/compose/prometheus.yml")));
        assertThat(config.get("rule_files")).extracting(JsonNode::asText).containsExactly(mountedAt);
    }

    // ---- helpers

    /** Alert name -> rule, in the order of the file; names are unique. */
    private static Map<String, JsonNode> alerts() {
        Map<String, JsonNode> m = new TreeMap<>();
        for (JsonNode group : rules.get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                if (!rule.has("alert")) continue;
                assertThat(m.put(rule.get("alert").asText(), rule)).as("alert " + rule.get("alert")).isNull();
            }
        }
        assertThat(m).isNotEmpty();
        return m;
    }

    /** Runs promtool with the arguments; fails with its output unless it exits with 0. */
    private static void promtool(String... args) throws Exception {
        Path promtool = onPath("promtool");
        if (promtool == null) {
            if ("true".equals(System.getenv("CI"))) fail("promtool is not installed (Debian package prometheus; .ci/run installs it)");
            assumeTrue(false, "promtool is not installed: the rules are checked in CI");
        }
        List<String> command = new ArrayList<>();
        command.add(promtool.toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        // The output is small; reading it to the end also waits for promtool to finish.
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command) + " finished").isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + " exit status; its output:\n" + output).isZero();
        assertThat(output).contains("SUCCESS");
    }

    private static Path onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }
}
