package io.tally.pipeline;

import io.tally.config.TallyConfig;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;

/** Every Flink execution environment Tally creates, configured in one place. */
public final class Environments {
    private Environments() {}

    /** How a pipeline runs. */
    public enum Mode {
        /** Bounded files, no checkpoints: fast and deterministic (CONTRACT section 7). */
        REPLAY,
        /** An in-process MiniCluster with RocksDB and checkpoints, as deployed. */
        LOCAL,
        /** Submitted to a cluster: Flink's own configuration first, the job's YAML on top. */
        CLUSTER
    }

    /**
     * The Flink configuration derived from the job's configuration. On a cluster it goes on top of Flink's own
     * configuration (config.yaml, {@code -D}, the operator's flinkConfiguration): what the job file says wins
     * (checkpoints, state backend, a parallelism other than 0), everything else stays Flink's (parallelism.default
     * for parallelism 0, restart strategy, memory, metrics reporters, HA).
     */
    public static Configuration flinkConfiguration(TallyConfig config, Mode mode) {
        Configuration conf = new Configuration();
        // A type that falls back to Kryo fails at job build time instead of running slowly.
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(PipelineOptions.NAME, config.job.name);
        conf.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, config.time.watermarkInterval);
        if (config.job.parallelism > 0) {
            conf.set(CoreOptions.DEFAULT_PARALLELISM, config.job.parallelism);
        }
        if (mode == Mode.REPLAY) {
            conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
            return conf;
        }
        conf.set(StateBackendOptions.STATE_BACKEND, config.checkpoints.stateBackend);
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, config.checkpoints.incremental);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, config.checkpoints.interval);
        conf.set(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS, config.checkpoints.minPause);
        conf.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, config.checkpoints.timeout);
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        if (!config.checkpoints.dir.isEmpty()) {
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, config.checkpoints.dir);
        }
        if (mode == Mode.LOCAL) {
            // On a cluster, the cluster's restart strategy applies (the job files say nothing about it).
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 10);
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(2));
        }
        return conf;
    }

    public static StreamExecutionEnvironment create(TallyConfig config, Mode mode) {
        return create(config, mode, new Configuration());
    }

    /** With {@code extra} Flink options on top (the benchmark's instrumentation). */
    public static StreamExecutionEnvironment create(TallyConfig config, Mode mode, Configuration extra) {
        Configuration conf = flinkConfiguration(config, mode);
        conf.addAll(extra);
        StreamExecutionEnvironment env = mode == Mode.CLUSTER
                ? StreamExecutionEnvironment.getExecutionEnvironment(conf)
                : StreamExecutionEnvironment.createLocalEnvironment(conf);
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        return env;
    }
}
