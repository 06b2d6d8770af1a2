package io.tally.bench;

import io.tally.config.TallyConfig;
import io.tally.event.Durations;
import io.tally.generate.GeneratorSettings;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The low-latency profile the latency phase runs: what a deployment that wants sub-second results configures.
 * An order is attributed once the watermark passes its ts (a click may arrive up to the watermark bound late), and
 * exactly-once output is visible when the checkpoint after it completes; so latency is about bound + idleness of
 * sparse partitions + checkpoint interval, and the profile keeps each well under a second. The generator's
 * disorder stays below the bound, as it must. Idleness is shorter than the bound: a sparse partition (orders come a
 * few a second) then stops holding event time back soon after its last record, and a record it gets later is still
 * ahead of the watermark, since it is at most the disorder behind the clock and the watermark is the bound behind.
 */
final class LatencyPhase {
    static final Duration WATERMARK_BOUND = Duration.ofMillis(500);
    static final Duration IDLENESS = Duration.ofMillis(200);
    static final Duration CHECKPOINT_INTERVAL = Duration.ofMillis(200);
    static final Duration WATERMARK_INTERVAL = Duration.ofMillis(50);
    static final long DISORDER_MS = 200;

    private LatencyPhase() {}

    static TallyConfig config(TallyConfig base, String bootstrap, String checkpoints) {
        TallyConfig c = BenchConfigs.phase(base, "latency", bootstrap, "bench.latency.", checkpoints);
        c.time.watermarkBound = WATERMARK_BOUND;
        c.time.sourceIdleness = IDLENESS;
        c.time.watermarkInterval = WATERMARK_INTERVAL;
        c.checkpoints.interval = CHECKPOINT_INTERVAL;
        c.checkpoints.minPause = Duration.ofMillis(100);
        c.kpis.updateInterval = Duration.ofSeconds(1);
        return c;
    }

    static GeneratorSettings traffic(long seed, double rate) {
        GeneratorSettings g = GeneratorSettings.live(rate);
        g.seed = seed;
        g.disorderMs = DISORDER_MS;
        g.invalid = 0;
        return g;
    }

    static Map<String, String> describe(TallyConfig c) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("watermarkBound", Durations.format(c.time.watermarkBound));
        m.put("sourceIdleness", Durations.format(c.time.sourceIdleness));
        m.put("watermarkInterval", Durations.format(c.time.watermarkInterval));
        m.put("checkpointInterval", Durations.format(c.checkpoints.interval));
        m.put("generatorDisorder", DISORDER_MS + "ms");
        return m;
    }
}
