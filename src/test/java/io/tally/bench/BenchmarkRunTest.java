package io.tally.bench;

import io.tally.config.TallyConfig;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark end to end on a few records: every throughput job reads all of its input, and the figures the README
 * quotes are filled in. It asserts no speed, only that each phase ran and measured something.
 */
class BenchmarkRunTest {
    @Test
    void everyThroughputJobReadsItsInputAndTheStateAccessesAreCounted() throws Exception {
        BenchSettings s = new BenchSettings();
        s.events = 20_000;
        s.rounds = 1;
        s.warmupEvents = 0;
        s.latencyRate = 500;
        s.latencyWarmUp = Duration.ofSeconds(1);
        s.latencyMeasure = Duration.ofSeconds(4);
        s.skip.addAll(Set.of("hashmap", "scale", "state"));
        ByteArrayOutputStream log = new ByteArrayOutputStream();

        BenchReport r = new Benchmark(s, new TallyConfig(), new PrintStream(log, true, StandardCharsets.UTF_8)).run();

        assertThat(r.passthroughEventsPerSec).isPositive();
        assertThat(r.tallyEventsPerSec).isPositive();
        assertThat(r.sqlEventsPerSec).isPositive();
        assertThat(r.stateOpsPerEvent).as("RocksDB's own counts, from the untimed counted run").isPositive();
        @SuppressWarnings("unchecked")
        Map<String, List<Long>> rounds = (Map<String, List<Long>>) r.details.get("rounds");
        assertThat(rounds.get("tallyEventsPerSec")).hasSize(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> stateOps = (Map<String, Object>) r.details.get("stateOps");
        assertThat(asMap(stateOps.get("keyedStateAccessesPerRecordByOperator"))).containsKey("Deduplicate views");
        @SuppressWarnings("unchecked")
        Map<String, Object> latency = (Map<String, Object>) r.details.get("latency");
        assertThat((Long) latency.get("recordsSent")).isPositive();
        assertThat(asMap(latency.get("checkpoints"))).containsKey("durationP50Ms");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }
}
