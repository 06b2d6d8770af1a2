package io.tally.cli;

import io.tally.config.ConfigLoader;
import io.tally.config.TallyConfig;
import io.tally.dashboard.DashboardServer;
import io.tally.event.Durations;
import io.tally.generate.Generator;
import io.tally.generate.GeneratorSettings;
import io.tally.generate.KafkaOutput;
import io.tally.local.EmbeddedKafka;
import io.tally.local.LiveView;
import io.tally.local.OutputCounter;
import io.tally.local.Topics;
import io.tally.pipeline.Environments;
import io.tally.pipeline.Job;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code tally local}: a real single-node Kafka broker in this process, every topic, the generator producing live
 * traffic, all of Tally's jobs in one local Flink MiniCluster with RocksDB and checkpoints, and a live terminal view.
 */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = {"Runs Tally on this machine: an in-process Kafka broker (or --kafka), the generator, the jobs",
                "in a local Flink MiniCluster, and a live view refreshed every 2 s. Ctrl-C or --duration stops it",
                "and prints a summary counted from what was committed to the output topics."})
public class LocalCommand implements Runnable {
    @Option(names = "--rate", defaultValue = "2000", paramLabel = "EVENTS_PER_S",
            description = "Generated events per second (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--duration", paramLabel = "DURATION",
            description = "Stop after this long, e.g. 40s or 5m (default: run until Ctrl-C).")
    String duration;

    @Option(names = "--backfill", defaultValue = "19h", paramLabel = "DURATION",
            description = {"Simulated history sent first, sparse and at once, before the live traffic: the generator's",
                    "viral content, stock-out, CPA and broken-link stories play out in it, so each default alert rule",
                    "fires and resolves within minutes (default ${DEFAULT-VALUE}; 0 for none)."})
    String backfill;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Broker data and checkpoints (default: a temporary directory, deleted at the end).")
    Path dataDir;

    @Option(names = "--dashboard-port", defaultValue = "8080", paramLabel = "PORT",
            description = "Port of the web dashboard on 127.0.0.1 (default ${DEFAULT-VALUE}; 0: any free port).")
    int dashboardPort;

    @Option(names = "--kafka", paramLabel = "HOST:PORT", description = "Use this Kafka cluster instead of an in-process broker.")
    String kafka;

    @Option(names = "--config", paramLabel = "FILE", description = "A jobs/*.yaml configuration (defaults otherwise).")
    Path config;

    @Option(names = "--seed", defaultValue = "42", description = "Generator seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--parallelism", defaultValue = "2", description = "Flink parallelism (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--partitions", defaultValue = "2", description = "Partitions of each topic created (default ${DEFAULT-VALUE}).")
    int partitions;

    @Override
    public void run() {
        Duration runFor = duration == null ? null : Durations.parse(duration);
        TallyConfig cfg = Configs.load(config);
        if (config == null) cfg.alerts.rules = Configs.shippedAlertRules();
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            awaitQuietly(stopped, Duration.ofSeconds(60));
        }, "tally-local-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            runLocal(cfg, runFor, stop);
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
        } finally {
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // Ctrl-C: the hook is running and now returns.
            }
        }
    }

    private void runLocal(TallyConfig cfg, Duration runFor, CountDownLatch stop) throws Exception {
        Path work = dataDir != null ? dataDir : Files.createTempDirectory("tally-local");
        try (EmbeddedKafka broker = kafka == null ? EmbeddedKafka.builder().dataDir(work.resolve("kafka")).start() : null) {
            String bootstrap = broker != null ? broker.bootstrapServers() : kafka;
            localSettings(cfg, bootstrap, work);
            Map<String, Object> clientProps = new HashMap<>();
            ConfigLoader.kafkaClientProperties(cfg).forEach((k, v) -> clientProps.put((String) k, v));
            if (broker != null) clientProps.putAll(broker.clientProperties());
            try (DashboardServer dashboard = openDashboard(clientProps, cfg)) {
                System.out.println("tally local: dashboard at " + dashboard.url());
                runJobs(cfg, clientProps, broker, bootstrap, work, runFor, stop);
            }
        } finally {
            if (dataDir == null) deleteQuietly(work);
        }
    }

    /** The dashboard on the asked port, or on a free one when that is taken: a busy 8080 must not stop `local`. */
    private DashboardServer openDashboard(Map<String, Object> clientProps, TallyConfig cfg) {
        try {
            return DashboardServer.open(clientProps, cfg, "127.0.0.1", dashboardPort);
        } catch (RuntimeException e) {
            if (dashboardPort == 0) throw e;
            System.out.println("tally local: port " + dashboardPort + " is taken, the dashboard takes a free one");
            return DashboardServer.open(clientProps, cfg, "127.0.0.1", 0);
        }
    }

    private void runJobs(TallyConfig cfg, Map<String, Object> clientProps, EmbeddedKafka broker, String bootstrap,
                         Path work, Duration runFor, CountDownLatch stop) throws Exception {
        System.out.println("tally local: Kafka at " + bootstrap + " (attach your own consumers there), topics "
                + cfg.topic(io.tally.event.Stream.VIEWS).replace("views", "*"));
        try (Admin admin = broker != null ? null : Admin.create(new HashMap<>(clientProps))) {
            Topics.createAll(broker != null ? broker.admin() : admin, cfg, partitions);
        }

        StreamExecutionEnvironment env = Environments.create(cfg, Environments.Mode.LOCAL);
        RunCommand.build(env, Job.ALL, cfg);
        JobClient job = env.executeAsync(cfg.job.name);

        GeneratorSettings gen = GeneratorSettings.live(rate,
                "0".equals(backfill.trim()) ? 0 : Durations.parse(backfill).toMillis());
        gen.seed = seed;
        KafkaOutput producer = KafkaOutput.create(cfg);
        Thread generator = new Thread(() -> {
            try {
                producer.run(new Generator(gen), 0, rate);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                System.err.println("tally local: the generator stopped: " + e.getMessage());
            }
        }, "tally-generator");
        generator.setDaemon(true);
        generator.start();

        try (LiveView view = new LiveView(clientProps, cfg, producer::sent, System.out)) {
            view.start();
            if (runFor == null) stop.await();
            else stop.await(runFor.toMillis(), TimeUnit.MILLISECONDS);
        }

        producer.stop();
        generator.join(10_000);
        producer.close();
        // Stop with a savepoint: the sources stop, the sinks commit their last transactions.
        System.out.println("tally local: stopping (committing the last outputs)...");
        job.stopWithSavepoint(false, work.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
                .get(60, TimeUnit.SECONDS);
        try (OutputCounter counter = new OutputCounter(clientProps, cfg)) {
            counter.drain(Duration.ofSeconds(30));
            System.out.println(counter.summaryLine(producer.sent()));
        }
    }

    /** Local runs commit often (outputs appear within seconds) and keep everything under the work directory. */
    private void localSettings(TallyConfig cfg, String bootstrap, Path work) {
        cfg.kafka.bootstrapServers = bootstrap;
        cfg.kafka.transactionalIdPrefix = "tally-local-" + ProcessHandle.current().pid();
        cfg.kafka.groupId = "tally-local";
        cfg.job.name = "tally-local";
        cfg.job.parallelism = parallelism;
        cfg.checkpoints.interval = Duration.ofSeconds(5);
        // Rare streams (rules, updates) go idle quickly so event time, and with it the live KPIs, keeps moving; the
        // generator's records stay within its 2 s disorder, well inside the 5 s bound, when a stream wakes up.
        cfg.time.sourceIdleness = Duration.ofSeconds(2);
        cfg.checkpoints.minPause = Duration.ofSeconds(1);
        cfg.checkpoints.dir = work.resolve("checkpoints").toUri().toString();
    }

    private static void awaitQuietly(CountDownLatch latch, Duration timeout) {
        try {
            latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteQuietly(Path dir) {
        try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception ignored) {
            // a temporary directory: the OS cleans up what is left
        }
    }
}
