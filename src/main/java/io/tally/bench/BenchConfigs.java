package io.tally.bench;

import io.tally.config.TallyConfig;
import io.tally.event.Stream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;

/** The job configurations of the benchmark's phases, all derived from the one the user gives. */
final class BenchConfigs {
    private BenchConfigs() {}

    /** A deep copy (configurations are plain serializable objects). */
    static TallyConfig copy(TallyConfig config) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(config);
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                return (TallyConfig) in.readObject();
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot copy the configuration", e);
        }
    }

    /**
     * The configuration of one phase: its own consumer group and transactional ids (so that it reads every topic
     * from the start and never fences another phase's producers), every topic under {@code prefix}, checkpoints
     * in {@code checkpointDir}.
     */
    static TallyConfig phase(TallyConfig base, String name, String bootstrap, String prefix, String checkpointDir) {
        TallyConfig c = copy(base);
        c.job.name = "tally-bench-" + name;
        c.kafka.bootstrapServers = bootstrap;
        c.kafka.groupId = "tally-bench-" + name;
        c.kafka.transactionalIdPrefix = "tally-bench-" + name;
        c.kafka.transactionTimeout = Duration.ofMinutes(5);
        c.kafka.startingOffsets = "earliest";
        for (Stream s : Stream.values()) c.topics.put(s.wireName(), prefix + s.wireName());
        c.checkpoints.dir = checkpointDir;
        return c;
    }
}
