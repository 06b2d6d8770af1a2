package io.tally.it;

import io.tally.cli.RunCommand;
import io.tally.config.ConfigException;
import io.tally.config.ConfigLoader;
import io.tally.config.TallyConfig;
import io.tally.event.Stream;
import io.tally.local.Topics;
import io.tally.pipeline.Environments;
import io.tally.pipeline.Job;
import io.tally.testing.KafkaBroker;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Kafka with SASL: a job file names the credentials as {@code ${KAFKA_SASL_JAAS_CONFIG}} and the environment supplies
 * them. With them the attribution job reads and writes exactly-once through the SASL listener; without them, or with
 * a wrong password, it stops before it starts with a message that says why. The password never shows up in the
 * printed configuration, in error messages, or in the log (Kafka's clients log their configuration with the JAAS
 * configuration as [hidden]).
 */
class KafkaSaslJobTest {
    private static final String PASSWORD = "tally-s3cret-4d9a";
    private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00Z

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker().withSaslPlain("tally", PASSWORD);

    @TempDir
    Path dir;

    private Path jobFile() throws Exception {
        Path file = dir.resolve("attribution.yaml");
        Files.writeString(file, String.join("\n",
                "job: {name: tally-attribution-sasl, parallelism: 1}",
                "kafka:",
                "  bootstrapServers: " + KAFKA.bootstrapServers(),
                "  transactionTimeout: 1m",
                "  transactionalIdPrefix: sasl-it",
                "  groupId: sasl-it",
                "  properties:",
                "    security.protocol: SASL_PLAINTEXT",
                "    sasl.mechanism: PLAIN",
                "    sasl.jaas.config: ${KAFKA_SASL_JAAS_CONFIG}",
                "time: {sourceIdleness: 0s}",
                "checkpoints: {interval: 500ms, minPause: 100ms, dir: '" + dir.resolve("checkpoints").toUri() + "'}",
                "attribution: {shadowModels: []}",
                ""));
        return file;
    }

    @Test
    void withCredentialsFromTheEnvironmentTheJobConnectsAndNeverPrintsThem() throws Exception {
        TallyConfig config = ConfigLoader.load(jobFile(),
                Map.of("KAFKA_SASL_JAAS_CONFIG", KafkaBroker.plainLogin("tally", PASSWORD)));
        Topics.createAll(KAFKA.admin(), config, 1);
        assertThat(ConfigLoader.describe(config)).containsPattern("sasl.jaas.config: '?\\*{6}'?")
                .doesNotContain(PASSWORD);

        try (LogCapture log = new LogCapture()) {
            StreamExecutionEnvironment env = Environments.create(config, Environments.Mode.LOCAL);
            RunCommand.build(env, Job.ATTRIBUTION, config);
            JobClient job = env.executeAsync(config.job.name);
            try {
                List<ProducerRecord<String, String>> records = new ArrayList<>();
                // An order (with everything else of a tick), then a later tick that moves event time past it.
                KafkaPipelineTest.ticks("o-sasl", T0).forEach((s, json) ->
                        records.add(new ProducerRecord<>(config.topic(s), 0, null, json)));
                KafkaPipelineTest.ticks("later", T0 + 60_000).forEach((s, json) ->
                        records.add(new ProducerRecord<>(config.topic(s), 0, null, json)));
                KAFKA.produce(records);

                List<ConsumerRecord<String, String>> attributions =
                        KAFKA.readCommitted(config.topic(Stream.ATTRIBUTIONS), 1, Duration.ofSeconds(90));
                assertThat(attributions).extracting(ConsumerRecord::key).contains("o-sasl");
            } finally {
                job.cancel().get();
            }
            assertThat(log.text()).as("Kafka's clients logged their configuration")
                    .contains("sasl.jaas.config = [hidden]");
            assertThat(log.text()).doesNotContain(PASSWORD);
        }
    }

    @Test
    void withoutCredentialsTheConfigurationSaysWhichVariableIsMissing() throws Exception {
        Path file = jobFile();
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("kafka.properties.sasl.jaas.config")
                .hasMessageContaining("KAFKA_SASL_JAAS_CONFIG");
    }

    @Test
    void withAWrongPasswordTheJobFailsAtStartWithTheAuthenticationError() throws Exception {
        String wrong = "wrong-" + PASSWORD;
        TallyConfig config = ConfigLoader.load(jobFile(),
                Map.of("KAFKA_SASL_JAAS_CONFIG", KafkaBroker.plainLogin("tally", wrong)));
        StreamExecutionEnvironment env = Environments.create(config, Environments.Mode.LOCAL);
        assertThatThrownBy(() -> RunCommand.build(env, Job.ATTRIBUTION, config))
                .hasMessageContaining(config.topic(Stream.ATTRIBUTIONS))
                .hasRootCauseInstanceOf(SaslAuthenticationException.class)
                .satisfies(e -> {
                    for (Throwable t = e; t != null; t = t.getCause()) {
                        assertThat(String.valueOf(t.getMessage())).doesNotContain(wrong);
                    }
                });
    }

    /**
     * Everything logged while open; Kafka's loggers at INFO (their configuration dumps) to this capture only, so the
     * build log is not flooded.
     */
    private static final class LogCapture extends AbstractAppender implements AutoCloseable {
        private static final String KAFKA = "org.apache.kafka";
        private final StringBuffer text = new StringBuffer();
        private final LoggerConfig kafka;
        private final Level savedLevel;
        private final boolean savedAdditive;

        LogCapture() {
            super("capture", null, null, true, Property.EMPTY_ARRAY);
            start();
            LoggerContext context = (LoggerContext) LogManager.getContext(false);
            Configuration config = context.getConfiguration();
            config.getRootLogger().addAppender(this, Level.ALL, null);
            LoggerConfig existing = config.getLoggerConfig(KAFKA);
            if (existing.getName().equals(KAFKA)) {
                kafka = existing;
            } else {
                kafka = new LoggerConfig(KAFKA, Level.INFO, false);
                config.addLogger(KAFKA, kafka);
            }
            savedLevel = kafka.getLevel();
            savedAdditive = kafka.isAdditive();
            kafka.setLevel(Level.INFO);
            kafka.setAdditive(false);
            kafka.addAppender(this, Level.ALL, null);
            context.updateLoggers();
        }

        @Override
        public void append(LogEvent event) {
            text.append(event.getMessage().getFormattedMessage()).append('\n');
            if (event.getThrown() != null) text.append(event.getThrown()).append('\n');
        }

        String text() {
            return text.toString();
        }

        @Override
        public void close() {
            LoggerContext context = (LoggerContext) LogManager.getContext(false);
            Configuration config = context.getConfiguration();
            kafka.removeAppender(getName());
            kafka.setLevel(savedLevel);
            kafka.setAdditive(savedAdditive);
            config.getRootLogger().removeAppender(getName());
            context.updateLoggers();
            stop();
        }
    }
}
