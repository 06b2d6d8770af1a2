package io.tally.pipeline;

import io.tally.config.TallyConfig;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** What a job file puts on top of Flink's own configuration, and what it leaves to it. */
class EnvironmentsTest {
    @Test
    void onAClusterTheJobFileSetsCheckpointsAndLeavesParallelismZeroAndRestartsToFlink() {
        TallyConfig c = new TallyConfig();
        c.checkpoints.interval = Duration.ofSeconds(42);
        c.checkpoints.dir = "s3://bucket/checkpoints/x";
        Configuration conf = Environments.flinkConfiguration(c, Environments.Mode.CLUSTER);
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isEqualTo(Duration.ofSeconds(42));
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEqualTo("s3://bucket/checkpoints/x");
        assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(conf.get(PipelineOptions.GENERIC_TYPES)).isFalse();
        assertThat(conf.contains(CoreOptions.DEFAULT_PARALLELISM)).as("parallelism 0: Flink's default").isFalse();
        assertThat(conf.contains(RestartStrategyOptions.RESTART_STRATEGY)).as("the cluster's restart strategy").isFalse();
    }

    @Test
    void aParallelismInTheJobFileWinsAndLocalRunsRestartOnTheirOwn() {
        TallyConfig c = new TallyConfig();
        c.job.parallelism = 3;
        assertThat(Environments.flinkConfiguration(c, Environments.Mode.CLUSTER).get(CoreOptions.DEFAULT_PARALLELISM))
                .isEqualTo(3);
        assertThat(Environments.flinkConfiguration(c, Environments.Mode.LOCAL).get(RestartStrategyOptions.RESTART_STRATEGY))
                .isEqualTo("fixed-delay");
        assertThat(Environments.flinkConfiguration(c, Environments.Mode.REPLAY).get(RestartStrategyOptions.RESTART_STRATEGY))
                .isEqualTo("none");
    }
}
