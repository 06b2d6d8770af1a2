package io.tally.it;

import io.tally.cli.RunCommand;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tally's metrics reach Prometheus: the attribution job on a MiniCluster with Flink's Prometheus reporter, fed through
 * a real broker, and the reporter's endpoint scraped over HTTP as Prometheus would, until the records sent show up as
 * counts per stream, per dead-letter reason and per touch, with the watermark lag per stream.
 */
class PrometheusMetricsTest {
    private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00Z
    private static final String PREFIX = "flink_taskmanager_job_task_operator_tally_";

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @TempDir
    Path dir;

    @Test
    void recordsInDeadLettersAttributedLinesAndWatermarkLagAreScrapedPerStream() throws Exception {
        TallyConfig config = TestJobs.config(KAFKA, dir, "prometheus-test", 1);
        Topics.createAll(KAFKA.admin(), config, 1);

        int port = freePort();
        Configuration conf = Environments.flinkConfiguration(config, Environments.Mode.LOCAL);
        conf.setString("metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        conf.setString("metrics.reporter.prom.port", String.valueOf(port));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        RunCommand.build(env, Job.ATTRIBUTION, config);
        JobClient job = env.executeAsync(config.job.name);
        try {
            List<ProducerRecord<String, String>> records = new ArrayList<>();
            KafkaPipelineTest.ticks("o-1", T0).forEach((s, json) -> records.add(new ProducerRecord<>(config.topic(s), json)));
            records.add(new ProducerRecord<>(config.topic(Stream.ORDERS), "{not json"));
            records.add(new ProducerRecord<>(config.topic(Stream.ORDERS), "{\"orderId\":\"x\"}"));
            KafkaPipelineTest.ticks("o-2", T0 + 60_000).forEach((s, json) -> records.add(new ProducerRecord<>(config.topic(s), json)));
            KAFKA.produce(records);

            String scraped = awaitScrape(port, Duration.ofSeconds(90), text ->
                    value(text, "stream_recordsIn", "stream=\"orders\"") == 2
                            && value(text, "stream_reason_deadLetters", "reason=\"MALFORMED_JSON\"", "stream=\"orders\"") == 1
                            && value(text, "stream_reason_deadLetters", "reason=\"MISSING_FIELD\"", "stream=\"orders\"") == 1
                            && value(text, "touch_orderLines", "touch=\"CLICK\"") >= 1);
            assertThat(value(scraped, "stream_recordsIn", "stream=\"clicks\"")).isEqualTo(2);
            // The first tick's order line follows its click; the second tick's order is not attributed yet.
            assertThat(value(scraped, "touch_orderLines", "touch=\"CLICK\"")).isEqualTo(1);
            assertThat(value(scraped, "touch_orderLines", "touch=\"NONE\"")).isZero();
            assertThat(value(scraped, "stream_watermarkLagMs", "stream=\"orders\"")).as("watermark lag of orders")
                    .isGreaterThan(System.currentTimeMillis() - (T0 + 60_000) - 60_000);
            assertThat(value(scraped, "commissionCents")).isZero(); // no commission rule for its merchant
        } finally {
            job.cancel().get();
        }
    }

    @FunctionalInterface
    interface Check {
        boolean holds(String text);
    }

    /** Scrapes until the check holds; fails with Tally's metric lines after the deadline. */
    private static String awaitScrape(int port, Duration timeout, Check check) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics")).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String text = "";
        while (System.nanoTime() < deadline) {
            try {
                text = http.send(get, HttpResponse.BodyHandlers.ofString()).body();
                if (check.holds(text)) return text;
            } catch (ConnectException notYet) {
                // the reporter starts with the TaskManager
            } catch (IOException e) {
                text = e.toString();
            }
            LockSupport.parkNanos(250_000_000L);
        }
        throw new AssertionError("metrics not as expected within " + timeout + "; Tally's lines:\n"
                + text.lines().filter(l -> l.contains(PREFIX)).collect(Collectors.joining("\n")));
    }

    /** The sum of the samples of {@code PREFIX + name} whose labels contain every given label; -1 when none. */
    private static double value(String text, String name, String... labels) {
        Pattern line = Pattern.compile("^" + Pattern.quote(PREFIX + name) + "\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(text);
        double sum = 0;
        boolean found = false;
        while (m.find()) {
            boolean all = true;
            for (String l : labels) all &= m.group(1).contains(l);
            if (!all) continue;
            found = true;
            sum += Double.parseDouble(m.group(2));
        }
        return found ? sum : -1;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
