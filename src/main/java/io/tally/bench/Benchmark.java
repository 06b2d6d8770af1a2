package io.tally.bench;

import io.tally.config.TallyConfig;
import io.tally.event.Stream;
import io.tally.generate.Generator;
import io.tally.generate.GeneratorSettings;
import io.tally.local.EmbeddedKafka;
import io.tally.local.Topics;
import io.tally.pipeline.Environments;
import io.tally.pipeline.Ingest;
import io.tally.pipeline.Job;
import io.tally.pipeline.KafkaSinks;
import io.tally.pipeline.TallyPipeline;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.apache.flink.api.common.JobID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.FileUtils;
import org.apache.kafka.clients.admin.NewTopic;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One benchmark run on this machine: an in-process Kafka broker and one Flink MiniCluster shared by every phase.
 * <ol>
 *   <li>N generated records are preloaded into the input topics; each throughput job first runs once, untimed, on as
 *       many records of its own: a stream job runs for months, and on two cores the JIT compiler takes minutes to
 *       catch up with a job, so a cold run says little about its speed.</li>
 *   <li>Throughput, each job reading all of them with bounded sources, RocksDB and checkpoints, exactly-once sinks:
 *       the passthrough floor, Tally's whole pipeline, and the same logic in Flink SQL, in rounds (each job once per
 *       round, one after the other) whose medians are the figures, since a shared machine moves single runs a lot.
 *       Tally's state accesses are counted in one more, untimed run over the same records.</li>
 *   <li>Latency at a fixed rate, live traffic into fresh topics, Tally as in {@code run}.</li>
 *   <li>State growth over simulated days, with horizons short enough to expire within the run.</li>
 * </ol>
 */
public final class Benchmark {
    private static final String INPUT = "bench.in.";
    private static final Duration PHASE_TIMEOUT = Duration.ofMinutes(10);
    /** How many times the generator's users the scale phase runs with. */
    private static final int[] SCALE_FACTORS = {10, 100};

    private final BenchSettings settings;
    private final TallyConfig base;
    private final PrintStream log;

    public Benchmark(BenchSettings settings, TallyConfig base, PrintStream log) {
        this.settings = settings;
        this.base = base;
        this.log = log;
    }

    public BenchReport run() throws Exception {
        BenchReport report = new BenchReport();
        report.events = settings.events;
        report.parallelism = settings.parallelism;
        Path work = settings.workDir != null ? settings.workDir : Files.createTempDirectory("tally-bench");
        report.details.put("machine", Map.of(
                "cores", Runtime.getRuntime().availableProcessors(),
                "maxHeapMb", Runtime.getRuntime().maxMemory() / (1024 * 1024),
                "java", System.getProperty("java.version"),
                "os", System.getProperty("os.name") + " " + System.getProperty("os.arch")));
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(work.resolve("kafka")).start();
             BenchCluster cluster = new BenchCluster(settings.parallelism);
             HeapSampler heap = new HeapSampler()) {
            String bootstrap = kafka.bootstrapServers();
            String checkpoints = work.resolve("checkpoints").toUri().toString();

            // ---- preload ----
            TallyConfig inputs = BenchConfigs.phase(base, "preload", bootstrap, INPUT, checkpoints);
            createTopics(kafka, inputs, true);
            GeneratorSettings data = new GeneratorSettings();
            data.seed = settings.seed;
            long t0 = System.nanoTime();
            Map<Stream, Long> counts = Preload.send(new Preload.Feed(new Generator(data)), inputs, settings.events,
                    Long.MAX_VALUE);
            log.printf("bench: preloaded %,d records in %.1f s%n", Preload.total(counts), seconds(t0));
            report.details.put("inputRecords", counts);

            // ---- warm-up: each throughput job once, untimed, on records of its own ----
            if (!settings.skip.contains("sql")) {
                createTopic(kafka, SqlRun.ATTRIBUTIONS_TOPIC); // both SQL runs write here
                createTopic(kafka, SqlRun.KPIS_TOPIC);
            }
            if (settings.warmupEvents() > 0) {
                String prefix = "bench.warmup.in.";
                TallyConfig warm = BenchConfigs.phase(base, "preload-warmup", bootstrap, prefix, checkpoints);
                createTopics(kafka, warm, true);
                GeneratorSettings other = data.copy();
                other.seed = data.seed + 1;
                Map<Stream, Long> warmCounts = Preload.send(new Preload.Feed(new Generator(other)), warm,
                        settings.warmupEvents(), Long.MAX_VALUE);
                long w0 = System.nanoTime();
                long warmRecords = Preload.total(warmCounts);
                if (!settings.skip.contains("passthrough")) {
                    passthrough(cluster, kafka, "warmup-passthrough", prefix, bootstrap, checkpoints, warmRecords);
                }
                if (!settings.skip.contains("tally")) {
                    tally(cluster, kafka, "warmup-tally", prefix, bootstrap, checkpoints, "rocksdb", false, warmRecords);
                }
                if (!settings.skip.contains("sql")) {
                    sql(cluster, "warmup-sql", prefix, bootstrap, checkpoints, SqlRun.records(warmCounts));
                }
                report.details.put("warmupRecords", warmRecords);
                log.printf("bench: warmed up on %,d records of their own (%.1f s)%n", warmRecords, seconds(w0));
            }

            // ---- throughput: rounds of passthrough, tally and SQL, one after the other; the medians count ----
            List<Double> passthroughRuns = new ArrayList<>();
            List<Double> tallyRuns = new ArrayList<>();
            List<Double> sqlRuns = new ArrayList<>();
            long sqlRecords = SqlRun.records(counts);
            for (int round = 1; round <= settings.rounds; round++) {
                String suffix = round == 1 ? "" : "-r" + round;
                if (!settings.skip.contains("passthrough")) {
                    BenchCluster.Timing t = passthrough(cluster, kafka, "passthrough" + suffix, INPUT, bootstrap,
                            checkpoints, settings.events);
                    passthroughRuns.add(t.perSecond(settings.events));
                    log.printf("bench: round %d: passthrough %,.0f records/s (%.1f s)%n", round,
                            t.perSecond(settings.events), t.seconds());
                }
                if (!settings.skip.contains("tally")) {
                    boolean first = round == 1;
                    if (first) heap.reset();
                    Recording jfr = first ? startJfr() : null;
                    TallyRun t = tally(cluster, kafka, "tally" + suffix, INPUT, bootstrap, checkpoints, "rocksdb", false);
                    stopJfr(jfr);
                    if (first) {
                        report.peakHeapMb = heap.peakMb();
                        report.checkpointBytes = t.timing.largestCheckpointBytes();
                    }
                    tallyRuns.add(t.timing.perSecond(settings.events));
                    log.printf("bench: round %d: tally %,.0f records/s (%.1f s)%n", round,
                            t.timing.perSecond(settings.events), t.timing.seconds());
                }
                if (!settings.skip.contains("sql")) {
                    BenchCluster.Timing t = sql(cluster, "sql" + suffix, INPUT, bootstrap, checkpoints, sqlRecords);
                    sqlRuns.add(t.perSecond(sqlRecords));
                    log.printf("bench: round %d: sql %,.0f records/s (%.1f s over %,d records of %d topics)%n", round,
                            t.perSecond(sqlRecords), t.seconds(), sqlRecords, SqlRun.INPUTS.length);
                }
            }
            report.passthroughEventsPerSec = median(passthroughRuns);
            report.tallyEventsPerSec = median(tallyRuns);
            report.sqlEventsPerSec = median(sqlRuns);
            report.details.put("rounds", Map.of("passthroughEventsPerSec", rounded(passthroughRuns),
                    "tallyEventsPerSec", rounded(tallyRuns), "sqlEventsPerSec", rounded(sqlRuns)));
            report.details.put("sqlInputRecords", sqlRecords);
            if (!settings.skip.contains("tally")) {
                // Counting state accesses slows every one of them: one more, untimed run over the same records counts.
                TallyRun counted = tally(cluster, kafka, "tally-counted", INPUT, bootstrap, checkpoints, "rocksdb", true);
                report.stateOpsPerEvent = counted.stateOpsPerEvent;
                report.details.put("stateOps", counted.stateOps);
                log.printf("bench: tally median %,.0f records/s, peak heap %.0f MB, checkpoint %,d bytes, %.2f RocksDB"
                                + " operations per record%n", report.tallyEventsPerSec, report.peakHeapMb,
                        report.checkpointBytes, report.stateOpsPerEvent);
            }
            log.printf("bench: medians of %d rounds: passthrough %,.0f, tally %,.0f, sql %,.0f records/s%n",
                    settings.rounds, report.passthroughEventsPerSec, report.tallyEventsPerSec, report.sqlEventsPerSec);
            if (!settings.skip.contains("hashmap")) {
                TallyRun t = tally(cluster, kafka, "tally-hashmap", INPUT, bootstrap, checkpoints, "hashmap", false);
                double perSecond = t.timing.perSecond(settings.events);
                report.details.put("tallyHashmapEventsPerSec", Math.round(perSecond));
                log.printf("bench: tally on the hashmap backend %,.0f records/s (%.1f s)%n", perSecond,
                        t.timing.seconds());
            }
            // ---- scale: the same number of events over 10x and 100x as many users ----
            if (!settings.skip.contains("scale")) {
                Map<String, Long> byUsers = new java.util.LinkedHashMap<>();
                if (report.tallyEventsPerSec > 0) byUsers.put(String.valueOf(data.users), Math.round(report.tallyEventsPerSec));
                for (int factor : SCALE_FACTORS) {
                    String prefix = "bench.scale" + factor + ".in.";
                    TallyConfig scaled = BenchConfigs.phase(base, "preload-scale" + factor, bootstrap, prefix, checkpoints);
                    createTopics(kafka, scaled, true);
                    GeneratorSettings more = data.copy();
                    more.users = data.users * factor;
                    Preload.send(new Preload.Feed(new Generator(more)), scaled, settings.events, Long.MAX_VALUE);
                    TallyRun t = tally(cluster, kafka, "tally-scale" + factor, prefix, bootstrap, checkpoints,
                            "rocksdb", false);
                    long perSecond = Math.round(t.timing.perSecond(settings.events));
                    byUsers.put(String.valueOf(more.users), perSecond);
                    log.printf("bench: tally with %,d users %,d records/s (%.1f s, checkpoint %,d bytes)%n",
                            more.users, perSecond, t.timing.seconds(), t.timing.largestCheckpointBytes());
                }
                report.details.put("tallyEventsPerSecByUsers", byUsers);
            }

            // ---- latency ----
            if (!settings.skip.contains("latency")) {
                double rate = settings.latencyRate > 0 ? settings.latencyRate
                        : Math.max(500, Math.ceil(report.tallyEventsPerSec / 10 / 100) * 100);
                TallyConfig c = LatencyPhase.config(base, bootstrap, checkpoints);
                createTopics(kafka, c, true);
                createTopics(kafka, c, false);
                StreamExecutionEnvironment env = Environments.create(c, Environments.Mode.LOCAL);
                TallyPipeline.build(Job.ALL, Ingest.kafka(env, c, false), c, true).writeTo(new KafkaSinks(c));
                JobID job = cluster.submit(env, c.job.name);
                LatencyProbe.Result r = LatencyProbe.run(c, LatencyPhase.traffic(settings.seed, rate),
                        rate, settings.latencyWarmUp, settings.latencyMeasure);
                Map<String, Object> checkpointsDuringRun = cluster.checkpointDurations(job);
                cluster.cancel(job);
                report.latencyRateEventsPerSec = rate;
                report.latencyP50Ms = LatencyProbe.quantile(r.attribution(), 0.50);
                report.latencyP99Ms = LatencyProbe.quantile(r.attribution(), 0.99);
                report.details.put("latency", Map.of(
                        "samples", r.attribution().size(),
                        "recordsSent", r.sent(),
                        "kpiFinal1mP50Ms", LatencyProbe.quantile(r.kpiFinal(), 0.50),
                        "kpiFinal1mP99Ms", LatencyProbe.quantile(r.kpiFinal(), 0.99),
                        "checkpoints", checkpointsDuringRun,
                        "uncommittedP50Ms", LatencyProbe.quantile(r.attributionUncommitted(), 0.50),
                        "uncommittedP99Ms", LatencyProbe.quantile(r.attributionUncommitted(), 0.99),
                        "profile", LatencyPhase.describe(c)));
                log.printf("bench: latency at %,.0f records/s: p50 %.0f ms, p99 %.0f ms (%d orders); final 1m KPI"
                                + " p50 %.0f ms after the window ends%n", rate, report.latencyP50Ms,
                        report.latencyP99Ms, r.attribution().size(), LatencyProbe.quantile(r.kpiFinal(), 0.5));
                log.printf("bench: latency run checkpoints %s; attributions uncommitted p50 %.0f ms, p99 %.0f ms%n",
                        checkpointsDuringRun, LatencyProbe.quantile(r.attributionUncommitted(), 0.50),
                        LatencyProbe.quantile(r.attributionUncommitted(), 0.99));
            }

            // ---- state growth ----
            if (!settings.skip.contains("state")) {
                TallyConfig c = StateGrowth.shortHorizons(BenchConfigs.phase(base, "state", bootstrap, "bench.state.",
                        checkpoints));
                c.checkpoints.interval = Duration.ofSeconds(2);
                c.checkpoints.minPause = Duration.ofMillis(500);
                createTopics(kafka, c, true);
                createTopics(kafka, c, false);
                StreamExecutionEnvironment env = Environments.create(c, Environments.Mode.LOCAL);
                // The attribution job holds the state with long horizons (touches, orders, customers); KPI and alert
                // state is bounded by the window sizes and baseline depth (README, Performance).
                TallyPipeline.build(Job.ATTRIBUTION, Ingest.kafka(env, c, false), c, true)
                        .writeTo(new KafkaSinks(c));
                JobID job = cluster.submit(env, c.job.name);
                GeneratorSettings days = new GeneratorSettings();
                days.seed = settings.seed;
                days.eventsPerSimulatedSecond = settings.stateEventsPerSimulatedSecond;
                Preload.Feed feed = new Preload.Feed(new Generator(days));
                long phaseStart = System.nanoTime();
                Map<String, String> readByDay = new java.util.LinkedHashMap<>();
                Map<String, Long> savepointByDay = new java.util.LinkedHashMap<>();
                long sent = 0;
                for (int day : settings.stateDays) {
                    long until = feed.startTs() + day * 86_400_000L;
                    // Only the streams the attribution job reads: engagements and spend go to the topics too,
                    // but no source of this job reads them (counting them once looked like records left unread).
                    Map<io.tally.event.Stream, Long> sentToday = Preload.send(feed, c, Long.MAX_VALUE, until);
                    sentToday.keySet().retainAll(Job.ATTRIBUTION.inputs());
                    sent += Preload.total(sentToday);
                    long read = cluster.awaitSourceRecords(job, sent, Duration.ofSeconds(20), Duration.ofMinutes(3));
                    long bytes = cluster.checkpointBytes(job);
                    long live = cluster.savepointBytes(job, work.resolve("savepoints"));
                    report.stateGrowthCheckpointBytes.put(String.valueOf(day), bytes);
                    savepointByDay.put(String.valueOf(day), live);
                    readByDay.put(String.valueOf(day), read + " of " + sent);
                    log.printf("bench: state after day %d (%,d of %,d records read, %.0f s): checkpoint %,d bytes,"
                            + " canonical savepoint %,d bytes%n", day, read, sent, seconds(phaseStart), bytes, live);
                }
                cluster.cancel(job);
                report.details.put("stateGrowth", Map.of(
                        "job", "attribution",
                        "eventsPerSimulatedSecond", settings.stateEventsPerSimulatedSecond,
                        "records", sent,
                        "recordsReadByDay", readByDay,
                        "canonicalSavepointBytesByDay", savepointByDay,
                        "horizons", StateGrowth.horizons(c)));
            }
        }
        // A temporary directory: what cannot be deleted is the operating system's to clean.
        if (settings.workDir == null) FileUtils.deleteDirectoryQuietly(work.toFile());
        return report;
    }

    /** The median of the runs (the mean of the middle two for an even count); 0 for none. */
    static double median(List<Double> runs) {
        if (runs.isEmpty()) return 0;
        List<Double> sorted = new ArrayList<>(runs);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static List<Long> rounded(List<Double> runs) {
        return runs.stream().map(Math::round).toList();
    }

    /** One run of the Tally phase's job over the input topics under {@code inputPrefix}. */
    private TallyRun tally(BenchCluster cluster, EmbeddedKafka kafka, String name, String inputPrefix, String bootstrap,
                           String checkpoints, String stateBackend, boolean counted) throws Exception {
        return tally(cluster, kafka, name, inputPrefix, bootstrap, checkpoints, stateBackend, counted, settings.events);
    }

    private TallyRun tally(BenchCluster cluster, EmbeddedKafka kafka, String name, String inputPrefix, String bootstrap,
                           String checkpoints, String stateBackend, boolean counted, long records) throws Exception {
        TallyConfig c = throughputPhase(name, inputPrefix, bootstrap, checkpoints);
        c.checkpoints.stateBackend = stateBackend;
        for (Stream s : Stream.values()) if (!s.isInput()) c.topics.put(s.wireName(), "bench." + name + "." + s.wireName());
        createTopics(kafka, c, false);
        org.apache.flink.configuration.Configuration extra = new org.apache.flink.configuration.Configuration();
        if (counted) {
            extra.addAll(StateAccesses.trackAccesses());
            extra.addAll(RocksDbOperations.counting());
            RocksDbOperations.reset();
        }
        StreamExecutionEnvironment env = Environments.create(c, Environments.Mode.LOCAL, extra);
        TallyPipeline.build(settings.tallyJob, Ingest.kafka(env, c, true), c, true).writeTo(new KafkaSinks(c));
        JobID job = cluster.submit(env, c.job.name);
        TallyRun run = new TallyRun(cluster.awaitFinished(job, records, PHASE_TIMEOUT));
        if (counted) {
            Map<String, Long> rocksDb = RocksDbOperations.totals();
            run.stateOpsPerEvent = (double) (rocksDb.get("keysRead") + rocksDb.get("keysWritten")
                    + rocksDb.get("seeks")) / records;
            Map<String, Double> perOperator = new java.util.LinkedHashMap<>();
            StateAccesses.byOperator(job.toHexString()).forEach((op, n) ->
                    perOperator.put(op, Math.round(1000.0 * n / records) / 1000.0));
            run.stateOps = Map.of("rocksDb", rocksDb, "keyedStateAccessesPerRecordByOperator", perOperator);
        }
        return run;
    }

    /** What one Tally run measured; the state counts only when it was counted. */
    private static final class TallyRun {
        final BenchCluster.Timing timing;
        double stateOpsPerEvent;
        Map<String, Object> stateOps = Map.of();

        TallyRun(BenchCluster.Timing timing) {
            this.timing = timing;
        }
    }

    /** The passthrough job over the input topics under {@code inputPrefix}, into its own topic. */
    private BenchCluster.Timing passthrough(BenchCluster cluster, EmbeddedKafka kafka, String name, String inputPrefix,
                                            String bootstrap, String checkpoints, long records) throws Exception {
        TallyConfig c = throughputPhase(name, inputPrefix, bootstrap, checkpoints);
        createTopic(kafka, "bench." + name);
        StreamExecutionEnvironment env = Environments.create(c, Environments.Mode.LOCAL);
        Passthrough.build(env, c, "bench." + name);
        return timed(cluster, env, c.job.name, records);
    }

    /** The SQL job over the input topics under {@code inputPrefix}; {@code records}: what it reads of them. */
    private BenchCluster.Timing sql(BenchCluster cluster, String name, String inputPrefix, String bootstrap,
                                    String checkpoints, long records) throws Exception {
        TallyConfig c = throughputPhase(name, inputPrefix, bootstrap, checkpoints);
        StreamExecutionEnvironment env = Environments.create(c, Environments.Mode.LOCAL);
        SqlRun.build(env, c);
        return timed(cluster, env, c.job.name, records);
    }

    /** Bounded sources over the topics under {@code inputPrefix}, checkpoints as configured, the run's own group and ids. */
    private TallyConfig throughputPhase(String name, String inputPrefix, String bootstrap, String checkpoints) {
        TallyConfig c = BenchConfigs.phase(base, name, bootstrap, inputPrefix, checkpoints);
        c.job.parallelism = settings.parallelism;
        c.checkpoints.interval = settings.checkpointInterval;
        return c;
    }

    private static BenchCluster.Timing timed(BenchCluster cluster, StreamExecutionEnvironment env, String name,
                                             long inputRecords) throws Exception {
        JobID job = cluster.submit(env, name);
        return cluster.awaitFinished(job, inputRecords, PHASE_TIMEOUT);
    }

    private void createTopics(EmbeddedKafka kafka, TallyConfig config, boolean inputs) throws Exception {
        List<NewTopic> topics = new ArrayList<>();
        for (NewTopic t : Topics.plan(config, settings.partitions)) {
            boolean isInput = false;
            for (Stream s : Stream.values()) if (s.isInput() && config.topic(s).equals(t.name())) isInput = true;
            if (isInput == inputs) topics.add(t);
        }
        kafka.admin().createTopics(topics).all().get();
    }

    private void createTopic(EmbeddedKafka kafka, String name) throws Exception {
        kafka.admin().createTopics(List.of(new NewTopic(name, settings.partitions, (short) 1))).all().get();
    }

    private Recording startJfr() throws Exception {
        if (settings.jfr == null) return null;
        Recording r = new Recording(Configuration.getConfiguration("profile"));
        r.start();
        return r;
    }

    private void stopJfr(Recording r) throws Exception {
        if (r == null) return;
        r.stop();
        r.dump(settings.jfr);
        r.close();
        log.println("bench: flight recording of the tally phase in " + settings.jfr);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
