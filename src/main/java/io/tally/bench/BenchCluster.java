package io.tally.bench;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.CheckpointType;
import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.CheckpointStatsStatus;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStats;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionJobVertex;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.util.stats.StatsSummarySnapshot;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One Flink MiniCluster for every phase of the benchmark, so that each job meets the same warm JVM, slots and
 * memory. Jobs are submitted as graphs and timed from the cluster's own records: when their last task started
 * running and when the job finished (after its final checkpoint committed the sinks' last transactions).
 */
final class BenchCluster implements AutoCloseable {
    private final MiniCluster cluster;

    BenchCluster(int slots) throws Exception {
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("512m"));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("128m"));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("128m"));
        conf.setString("rest.bind-port", "0"); // any free port: never collides with a Flink UI on 8081
        conf.setString("metrics.reporter.bench.factory.class", SourceRecords.class.getName());
        conf.setString("metrics.reporter.bench.interval", "1 h"); // it is read, not scheduled
        conf.setString("metrics.reporter.accesses.factory.class", StateAccesses.class.getName());
        conf.setString("metrics.reporter.accesses.interval", "1 h");
        cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
        cluster.start();
    }

    JobID submit(StreamExecutionEnvironment env, String name) throws Exception {
        return cluster.submitJob(env.getStreamGraph()).get(1, TimeUnit.MINUTES).getJobID();
    }

    /**
     * Waits for a bounded job to end; fails with the job's own error. Once its sources have emitted all
     * {@code inputRecords}, checkpoints are triggered (every second until the job ends): the sinks commit their
     * last transaction on one taken after the sources finished, and the job does not idle until the next
     * periodic checkpoint.
     */
    Timing awaitFinished(JobID job, long inputRecords, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        CompletableFuture<JobResult> done = cluster.requestJobResult(job);
        long lastTrigger = 0;
        long lastLook = 0;
        long largest = 0;
        while (!done.isDone() && System.nanoTime() < deadline) {
            // A finished job's archived history may have lost its checkpoints: note the largest while it runs.
            if (System.nanoTime() - lastLook > 1_000_000_000L) {
                largest = Math.max(largest, largestCheckpointBytes(job));
                lastLook = System.nanoTime();
            }
            if (System.nanoTime() - lastTrigger > 1_000_000_000L && SourceRecords.of(job.toHexString()) >= inputRecords) {
                cluster.triggerCheckpoint(job, CheckpointType.DEFAULT).exceptionally(e -> -1L);
                lastTrigger = System.nanoTime();
            }
            try {
                done.get(50, TimeUnit.MILLISECONDS);
            } catch (TimeoutException notYet) {
                // poll the sources again
            }
        }
        JobResult result = done.get(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
        if (!result.isSuccess()) {
            Throwable cause = result.getSerializedThrowable().map(t -> (Throwable) t).orElse(null);
            throw new IllegalStateException("benchmark job " + job + " failed: " + result.getApplicationStatus(), cause);
        }
        AccessExecutionGraph graph = cluster.getExecutionGraph(job).get(1, TimeUnit.MINUTES);
        long allRunning = 0;
        for (AccessExecutionVertex v : graph.getAllExecutionVertices()) {
            allRunning = Math.max(allRunning, v.getCurrentExecutionAttempt().getStateTimestamp(ExecutionState.RUNNING));
        }
        return new Timing(allRunning, graph.getStatusTimestamp(JobStatus.FINISHED),
                Math.max(largest, largestCheckpoint(graph)));
    }

    /**
     * Waits until the job's sources have emitted {@code records} records (a checkpoint then covers them all), or
     * have emitted nothing new for {@code quiet}; returns how many they emitted.
     */
    long awaitSourceRecords(JobID job, long records, Duration quiet, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long seen = -1;
        long seenAt = System.nanoTime();
        while (true) {
            long now = SourceRecords.of(job.toHexString());
            if (now >= records) return now;
            if (now != seen) {
                seen = now;
                seenAt = System.nanoTime();
            } else if (System.nanoTime() - seenAt > quiet.toNanos() || System.nanoTime() > deadline) {
                return now;
            }
            Thread.sleep(100); // polling a counter of another thread pool, not synchronising with it
        }
    }

    /** Full size of the job's largest completed checkpoint so far (0 if none). */
    long largestCheckpointBytes(JobID job) throws Exception {
        return largestCheckpoint(cluster.getExecutionGraph(job).get(1, TimeUnit.MINUTES));
    }

    private static long largestCheckpoint(AccessExecutionGraph graph) {
        if (graph.getCheckpointStatsSnapshot() == null) return 0;
        long largest = 0;
        for (AbstractCheckpointStats c : graph.getCheckpointStatsSnapshot().getHistory().getCheckpoints()) {
            if (c.getStatus() == CheckpointStatsStatus.COMPLETED) largest = Math.max(largest, c.getStateSize());
        }
        return largest;
    }

    /** Completed checkpoints of the job so far: count, and p50 and p99 of their end-to-end duration in ms. */
    Map<String, Object> checkpointDurations(JobID job) throws Exception {
        AccessExecutionGraph graph = cluster.getExecutionGraph(job).get(1, TimeUnit.MINUTES);
        CheckpointStatsSnapshot stats = graph.getCheckpointStatsSnapshot();
        if (stats == null) return Map.of();
        StatsSummarySnapshot d = stats.getSummaryStats().getEndToEndDurationStats();
        return Map.of("completed", stats.getCounts().getNumberOfCompletedCheckpoints(),
                "durationP50Ms", d.getQuantile(0.5), "durationP99Ms", d.getQuantile(0.99),
                "durationMaxMs", d.getMaximum());
    }

    /** Takes a full checkpoint now and returns its full state size in bytes. */
    long checkpointBytes(JobID job) throws Exception {
        long id = cluster.triggerCheckpoint(job, CheckpointType.FULL).get(5, TimeUnit.MINUTES);
        AccessExecutionGraph graph = cluster.getExecutionGraph(job).get(1, TimeUnit.MINUTES);
        AbstractCheckpointStats stats = graph.getCheckpointStatsSnapshot().getHistory().getCheckpointById(id);
        if (!(stats instanceof CompletedCheckpointStats)) {
            throw new IllegalStateException("checkpoint " + id + " of " + job + " did not complete: " + stats);
        }
        return stats.getStateSize();
    }

    /**
     * The size on disk of a canonical savepoint of the job: the live state only, written key by key, where a RocksDB
     * checkpoint also carries what compaction has not yet dropped (overwritten values, tombstones).
     */
    long savepointBytes(JobID job, java.nio.file.Path dir) throws Exception {
        String location = cluster.triggerSavepoint(job, dir.toUri().toString(), false,
                org.apache.flink.core.execution.SavepointFormatType.CANONICAL).get(5, TimeUnit.MINUTES);
        java.nio.file.Path path = java.nio.file.Path.of(java.net.URI.create(location.startsWith("file:")
                ? location : "file:" + location));
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(path)) {
            return files.filter(java.nio.file.Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    /** Cancels a running job; one that failed before is reported with its cause. */
    void cancel(JobID job) throws Exception {
        try {
            cluster.cancelJob(job).get(1, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            JobResult result = cluster.requestJobResult(job).get(1, TimeUnit.MINUTES);
            throw result.getSerializedThrowable()
                    .map(t -> new IllegalStateException("job " + job + " failed",
                            t.deserializeError(getClass().getClassLoader())))
                    .orElseThrow(() -> e);
        }
        cluster.requestJobResult(job).get(1, TimeUnit.MINUTES);
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }

    /** When a bounded job's tasks were all running, when it finished, and its largest checkpoint. */
    record Timing(long runningMs, long finishedMs, long largestCheckpointBytes) {
        double seconds() {
            return (finishedMs - runningMs) / 1000.0;
        }

        double perSecond(long records) {
            return records / seconds();
        }
    }
}
