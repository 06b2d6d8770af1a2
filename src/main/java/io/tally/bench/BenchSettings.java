package io.tally.bench;

import java.nio.file.Path;
import java.time.Duration;

/** What a benchmark run does, with its defaults in one place. */
public final class BenchSettings {
    /** Generated input records preloaded for the throughput phases. */
    public long events = 2_000_000;
    public int parallelism = 2;
    /** Partitions of every topic. */
    public int partitions = 2;
    public long seed = 42;
    /** Rate of the latency phase; 0: a tenth of the measured Tally throughput. */
    public double latencyRate = 0;
    public Duration latencyWarmUp = Duration.ofSeconds(10);
    public Duration latencyMeasure = Duration.ofSeconds(60);
    /** Simulated days after which the state-growth phase measures the state (the last is its length). */
    public int[] stateDays = {1, 2, 4, 8};
    /** Density of the state-growth traffic: events per simulated second. */
    public double stateEventsPerSimulatedSecond = 0.5;
    /** Checkpoint interval of the throughput phases (as deployed: jobs/*.yaml has 30 s). */
    public Duration checkpointInterval = Duration.ofSeconds(30);
    /** What the Tally throughput phase runs: ALL (as {@code local}) or ATTRIBUTION alone (what KPIs and alerts cost). */
    public io.tally.pipeline.Job tallyJob = io.tally.pipeline.Job.ALL;
    /** Records each throughput job runs on, untimed, before it is timed; negative: as many as {@link #events}. */
    public long warmupEvents = -1;
    /** Rounds of the passthrough, tally and SQL phases; each figure is the median of its rounds. */
    public int rounds = 3;

    public long warmupEvents() {
        return warmupEvents >= 0 ? warmupEvents : events;
    }

    /** Phases to skip: passthrough, tally, hashmap, sql, scale, latency, state. */
    public java.util.Set<String> skip = new java.util.HashSet<>();
    /** Record the Tally throughput phase with Java Flight Recorder into this file. */
    public Path jfr;
    /** Broker data and checkpoints; a temporary directory when null. */
    public Path workDir;
}
