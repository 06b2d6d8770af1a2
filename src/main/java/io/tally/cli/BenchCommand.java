package io.tally.cli;

import io.tally.bench.BenchReport;
import io.tally.bench.BenchSettings;
import io.tally.bench.Benchmark;
import io.tally.config.TallyConfig;
import io.tally.event.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measures Tally on this machine, in one run, on the same generated data preloaded into an",
                "in-process Kafka broker: the passthrough floor, Tally, the same logic in Flink SQL (throughput),",
                "latency at a fixed rate, heap, checkpoint size and state growth over simulated days.",
                "Writes a JSON report and prints a table."})
public class BenchCommand implements Callable<Integer> {
    @Option(names = "--events", defaultValue = "2000000", paramLabel = "N",
            description = "Records preloaded for the throughput phases (default ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--report", required = true, paramLabel = "FILE", description = "Where to write the JSON report.")
    Path report;

    @Option(names = "--parallelism", defaultValue = "2", description = "Parallelism of every job (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--partitions", defaultValue = "2", description = "Partitions of every topic (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--latency-rate", defaultValue = "0", paramLabel = "EVENTS_PER_S",
            description = "Rate of the latency phase (default: a tenth of the measured Tally throughput).")
    double latencyRate;

    @Option(names = "--latency-duration", defaultValue = "60s", paramLabel = "DURATION",
            description = "How long latency is measured, after 10 s of warm-up (default ${DEFAULT-VALUE}).")
    String latencyDuration;

    @Option(names = "--state-days", defaultValue = "1,2,4,8", split = ",", paramLabel = "DAYS",
            description = "Simulated days after which the state is measured (default ${DEFAULT-VALUE}).")
    int[] stateDays;

    @Option(names = "--checkpoint-interval", defaultValue = "30s", paramLabel = "DURATION",
            description = "Checkpoint interval of the throughput phases (default ${DEFAULT-VALUE}, as jobs/*.yaml).")
    String checkpointInterval;

    @Option(names = "--warmup-events", defaultValue = "-1", paramLabel = "N",
            description = "Records each throughput job runs on, untimed, before it is timed (default as many as --events; 0: no warm-up).")
    long warmupEvents;

    @Option(names = "--rounds", defaultValue = "3", paramLabel = "N",
            description = "Rounds of the passthrough, tally and SQL phases, one job after the other; each figure is"
                    + " the median of its rounds (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--skip", split = ",", paramLabel = "PHASE",
            description = "Phases to leave out: passthrough, tally, hashmap, sql, scale, latency, state.")
    String[] skip;

    @Option(names = "--tally-job", defaultValue = "all", paramLabel = "JOB",
            description = "What the Tally phase runs: all (default) or attribution (to see what KPIs and alerts cost).")
    String tallyJob;

    @Option(names = "--jfr", paramLabel = "FILE", description = "Record the Tally throughput phase with Java Flight Recorder.")
    Path jfr;

    @Option(names = "--config", paramLabel = "FILE", description = "A jobs/*.yaml configuration (defaults otherwise).")
    Path config;

    @Option(names = "--seed", defaultValue = "42", description = "Generator seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        BenchSettings s = new BenchSettings();
        s.events = events;
        s.parallelism = parallelism;
        s.partitions = partitions;
        s.latencyRate = latencyRate;
        s.latencyMeasure = Durations.parse(latencyDuration);
        s.stateDays = stateDays.clone();
        Arrays.sort(s.stateDays);
        s.checkpointInterval = Durations.parse(checkpointInterval);
        s.warmupEvents = warmupEvents;
        if (rounds < 1) throw new IllegalArgumentException("--rounds must be at least 1, not " + rounds);
        s.rounds = rounds;
        if (skip != null) s.skip.addAll(Arrays.asList(skip));
        s.jfr = jfr;
        s.tallyJob = io.tally.pipeline.Job.ofName(tallyJob);
        s.seed = seed;
        TallyConfig cfg = Configs.load(config);
        cfg.alerts.rules = config == null ? Configs.shippedAlertRules() : cfg.alerts.rules;
        long start = System.nanoTime();
        BenchReport r;
        try {
            r = new Benchmark(s, cfg, System.out).run();
        } catch (Exception e) {
            e.printStackTrace(); // a benchmark failure needs its whole story
            throw e;
        }
        r.details.put("wallSeconds", (System.nanoTime() - start) / 1e9);
        r.write(report);
        System.out.println();
        System.out.print(r.table());
        System.out.println("report: " + report);
        return 0;
    }
}
