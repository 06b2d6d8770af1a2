package io.tally.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.tally.cli.Main;
import io.tally.config.ConfigLoader;
import io.tally.config.TallyConfig;
import io.tally.pipeline.Job;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml and what it references agree with the repository and with jobs/*.yaml: paths exist, the jobs it
 * submits have configurations that load, it creates every topic they use (the KPI topic compacted), the jobs reach the
 * broker, Prometheus scrapes the port Flink reports on, checkpoints land on the volume every Flink process shares, and
 * the images are the versions the build uses. (CI also runs {@code docker-compose config}, which checks the syntax.)
 */
class ComposeFileTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static JsonNode services;
    private static Map<String, String> flinkProperties;
    private static Map<String, TallyConfig> jobConfigs;

    @BeforeAll
    static void load() throws IOException {
        // SnakeYAML resolves the file's anchors and aliases (x-flink-properties), which Jackson's YAML parser does not.
        Object yaml = new org.yaml.snakeyaml.Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
        JsonNode compose = new YAMLMapper().valueToTree(yaml);
        services = compose.get("services");
        flinkProperties = properties(services.get("jobmanager").get("environment").get("FLINK_PROPERTIES").asText());
        jobConfigs = new HashMap<>();
        for (String job : submittedJobs()) {
            jobConfigs.put(job, ConfigLoader.load(ROOT.resolve("jobs").resolve(job + ".yaml")));
        }
    }

    @Test
    void everyMountedHostPathExistsOrIsAJarThatPackageBuilds() throws IOException {
        String pom = Files.readString(ROOT.resolve("pom.xml"));
        List<String> missing = new ArrayList<>();
        for (JsonNode service : services) {
            for (JsonNode volume : service.path("volumes")) {
                String host = volume.asText().split(":")[0];
                if (!host.startsWith(".")) continue; // a named volume
                Path path = ROOT.resolve(host).normalize();
                if (host.startsWith("./target/")) {
                    String jar = path.getFileName().toString();
                    if (!pom.contains("<finalName>" + jar.replace(".jar", "") + "</finalName>")
                            && !pom.contains("<outputFile>${project.build.directory}/" + jar + "</outputFile>")) {
                        missing.add(host + " (no build step in pom.xml makes it)");
                    }
                } else if (!Files.exists(path)) {
                    missing.add(host);
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void theSubmittedJobsAreTallysJobsWithConfigurationsThatLoad() {
        assertThat(submittedJobs()).containsExactly("attribution", "kpis", "alerts");
        for (String job : submittedJobs()) {
            assertThat(Job.ofName(job)).isNotNull();
            assertThat(jobConfigs.get(job).job.name).isEqualTo("tally-" + job);
        }
        String script = read("jobs/compose/submit-jobs.sh");
        assertThat(script).contains("/opt/tally/tally-job.jar \"$job\" --config \"/opt/tally/jobs/${job}.yaml\"");
        assertThat(mounts("submit")).containsEntry("/opt/tally/jobs", "./jobs")
                .containsEntry("/opt/tally/tally-job.jar", "./target/tally-job.jar");
    }

    @Test
    void everyTopicOfTheJobsIsCreatedTheKpiTopicIsCompactedAndInputTopicsStampArrivalTime() {
        Set<String> used = new TreeSet<>();
        Set<String> usedInputs = new TreeSet<>();
        for (TallyConfig c : jobConfigs.values()) {
            used.addAll(c.topics.values());
            c.topics.forEach((stream, topic) -> {
                if (io.tally.testing.Streams.ofWireName(stream).isInput()) usedInputs.add(topic);
            });
        }
        String script = read("jobs/compose/create-topics.sh");
        Set<String> inputs = new TreeSet<>(words(between(script, "inputs=(", ")")));
        Set<String> created = new TreeSet<>(words(between(script, "topics=(", ")")));
        Set<String> compacted = new TreeSet<>(words(between(script, "compacted=(", ")")));
        Set<String> all = new TreeSet<>(created);
        all.addAll(compacted);
        all.addAll(inputs);
        assertThat(all).isEqualTo(used);
        assertThat(inputs).isEqualTo(usedInputs);
        assertThat(compacted).containsExactly(jobConfigs.get("kpis").topics.get("kpis"));
        assertThat(script).contains("--config cleanup.policy=compact")
                .contains("--config message.timestamp.type=LogAppendTime");
    }

    @Test
    void theJobsAndTheGeneratorReachTheBrokerOnItsAdvertisedListener() {
        String advertised = services.get("kafka").get("environment").get("KAFKA_ADVERTISED_LISTENERS").asText();
        String internal = advertised.split(",")[0].replaceFirst("^[A-Z]+://", "");
        assertThat(services.get("submit").get("environment").get("KAFKA_BOOTSTRAP_SERVERS").asText()).isEqualTo(internal);
        assertThat(services.get("topics").get("environment").get("KAFKA_BOOTSTRAP_SERVERS").asText()).isEqualTo(internal);
        List<String> generator = new ArrayList<>();
        services.get("generator").get("command").forEach(a -> generator.add(a.asText()));
        assertThat(generator.get(generator.indexOf("--kafka") + 1)).isEqualTo(internal);
        for (String job : submittedJobs()) {
            assertThat(read("jobs/" + job + ".yaml")).as(job).contains("${KAFKA_BOOTSTRAP_SERVERS");
        }
    }

    @Test
    void everyJobsTransactionTimeoutIsWithinTheBrokersMaximum() {
        long max = services.get("kafka").get("environment").get("KAFKA_TRANSACTION_MAX_TIMEOUT_MS").asLong();
        for (Map.Entry<String, TallyConfig> e : jobConfigs.entrySet()) {
            assertThat(e.getValue().kafka.transactionTimeout).as(e.getKey()).isLessThanOrEqualTo(Duration.ofMillis(max));
        }
    }

    @Test
    void theAlertBridgePostsToTheStacksAlertmanagerWithArgumentsItsCommandTakes() {
        List<String> command = new ArrayList<>();
        services.get("alert-bridge").get("command").forEach(a -> command.add(a.asText()));
        List<String> args = command.subList(command.indexOf("/opt/tally/tally.jar") + 1, command.size());
        CommandLine.ParseResult parsed = new CommandLine(new Main()).parseArgs(args.toArray(String[]::new));
        CommandLine.ParseResult bridge = parsed.subcommand();
        assertThat(bridge.commandSpec().name()).isEqualTo("alertmanager");
        assertThat(bridge.<String>matchedOptionValue("--kafka", null)).isEqualTo("kafka:9092");
        URI url = bridge.matchedOptionValue("--url", null);
        assertThat(url.getHost()).isEqualTo("alertmanager");
        assertThat(services.get("alertmanager").get("ports").get(0).asText()).endsWith(":" + url.getPort());
        assertThat(mounts("alertmanager")).containsEntry("/etc/alertmanager/alertmanager.yml", "./jobs/compose/alertmanager.yml");
    }

    @Test
    void prometheusScrapesThePortFlinkReportsOn() {
        assertThat(flinkProperties.get("metrics.reporter.prom.factory.class"))
                .isEqualTo("org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        String port = flinkProperties.get("metrics.reporter.prom.port");
        assertThat(mounts("prometheus")).containsEntry("/etc/prometheus/prometheus.yml", "./jobs/compose/prometheus.yml");
        JsonNode prometheus = yaml("jobs/compose/prometheus.yml");
        Set<String> scraped = new TreeSet<>();
        for (JsonNode target : prometheus.at("/scrape_configs/0/static_configs/0/targets")) {
            String[] hostPort = target.asText().split(":");
            assertThat(hostPort[1]).as(target.asText()).isEqualTo(port);
            scraped.add(hostPort[0]);
        }
        assertThat(scraped).containsExactly("jobmanager", "taskmanager");
    }

    @Test
    void prometheusSendsTheOperatorsAlertsToTheStacksAlertmanager() {
        JsonNode targets = yaml("jobs/compose/prometheus.yml").at("/alerting/alertmanagers/0/static_configs/0/targets");
        assertThat(targets).hasSize(1);
        String[] hostPort = targets.get(0).asText().split(":");
        assertThat(services.has(hostPort[0])).as(hostPort[0]).isTrue();
        assertThat(services.get(hostPort[0]).get("ports").get(0).asText()).endsWith(":" + hostPort[1]);
    }

    @Test
    void checkpointsAndSavepointsLandOnTheVolumeEveryFlinkProcessShares() {
        String volume = null;
        for (String service : List.of("jobmanager", "taskmanager")) {
            Map<String, String> m = mounts(service);
            assertThat(m).as(service).containsEntry("/tmp/tally", "flink-state");
            volume = "/tmp/tally";
        }
        for (Map.Entry<String, TallyConfig> e : jobConfigs.entrySet()) {
            assertThat(URI.create(e.getValue().checkpoints.dir).getPath()).as(e.getKey()).startsWith(volume + "/");
        }
        assertThat(URI.create(flinkProperties.get("execution.checkpointing.savepoint-dir")).getPath()).startsWith(volume + "/");
        assertThat(flinkProperties.get("state.backend.type")).isEqualTo("rocksdb");
    }

    @Test
    void theImagesAreTheVersionsTheBuildUses() {
        String pom = read("pom.xml");
        String flink = tag(pom, "flink.version");
        String kafka = tag(pom, "kafka.version");
        for (String service : List.of("jobmanager", "taskmanager", "submit", "state-volume")) {
            assertThat(services.get(service).get("image").asText()).as(service).startsWith("flink:" + flink + "-");
        }
        for (String service : List.of("kafka", "topics")) {
            assertThat(services.get(service).get("image").asText()).as(service).isEqualTo("apache/kafka:" + kafka);
        }
    }

    // ---- helpers

    private static List<String> submittedJobs() {
        return words(services.get("submit").get("environment").get("JOBS").asText());
    }

    /** Container path -> host path (or volume name) of a service's volumes. */
    private static Map<String, String> mounts(String service) {
        Map<String, String> m = new HashMap<>();
        for (JsonNode v : services.get(service).path("volumes")) {
            String[] parts = v.asText().split(":");
            m.put(parts[1], parts[0]);
        }
        return m;
    }

    private static Map<String, String> properties(String block) {
        Map<String, String> m = new HashMap<>();
        for (String line : block.split("\n")) {
            int colon = line.indexOf(": ");
            if (colon > 0) m.put(line.substring(0, colon).trim(), line.substring(colon + 2).trim());
        }
        return m;
    }

    private static JsonNode yaml(String path) {
        try {
            return new YAMLMapper().readTree(read(path));
        } catch (IOException e) {
            throw new AssertionError(path + " is not YAML", e);
        }
    }

    private static String read(String path) {
        try {
            return Files.readString(ROOT.resolve(path));
        } catch (IOException e) {
            throw new AssertionError(path + " cannot be read", e);
        }
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        assertThat(from).as(start).isNotNegative();
        return text.substring(from + start.length(), text.indexOf(end, from + start.length()));
    }

    private static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        for (String w : text.trim().split("\\s+")) if (!w.isEmpty()) out.add(w);
        return new ArrayList<>(new LinkedHashSet<>(out));
    }

    private static String tag(String pom, String property) {
        Matcher m = Pattern.compile("<" + Pattern.quote(property) + ">([^<]+)</").matcher(pom);
        assertThat(m.find()).as(property).isTrue();
        return m.group(1);
    }
}
