package io.tally.it;

import io.tally.config.TallyConfig;
import io.tally.testing.KafkaBroker;

import java.nio.file.Path;
import java.time.Duration;

/** Job configurations of the integration tests: this broker, quick checkpoints, nothing that depends on timing. */
final class TestJobs {
    private TestJobs() {}

    /**
     * A configuration for a job against {@code kafka}: transactions of a minute, checkpoints every 500 ms under
     * {@code dir}, no shadow models, and no source idleness — a source that is merely slow to start must not be
     * skipped by event time (its records would then be late); tests send every input partition a last record that
     * moves its watermark past what they check.
     */
    static TallyConfig config(KafkaBroker kafka, Path dir, String name, int parallelism) {
        TallyConfig config = new TallyConfig();
        config.job.name = name;
        config.job.parallelism = parallelism;
        config.kafka.bootstrapServers = kafka.bootstrapServers();
        config.kafka.transactionTimeout = Duration.ofMinutes(1);
        config.kafka.transactionalIdPrefix = name + "-" + System.nanoTime();
        config.kafka.groupId = name;
        config.time.sourceIdleness = Duration.ZERO;
        config.checkpoints.interval = Duration.ofMillis(500);
        config.checkpoints.minPause = Duration.ofMillis(100);
        config.checkpoints.dir = dir.resolve("checkpoints").toUri().toString();
        config.attribution.shadowModels.clear();
        return config;
    }
}
