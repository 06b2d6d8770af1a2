package io.tally.it;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A Flink standalone session cluster as separate JVM processes on this machine, as a Flink distribution's
 * {@code bin/jobmanager.sh} and {@code bin/taskmanager.sh} would start it: one JobManager
 * ({@code StandaloneSessionClusterEntrypoint}) and TaskManagers ({@code TaskManagerRunner}) sharing one
 * {@code config.yaml}. Each process logs to {@code DIR/logs/<name>.log} (stdout and stderr to {@code <name>.out}).
 *
 * <p>The classpath is the Flink runtime only ({@code target/cluster-it/classpath.txt} and {@code lib/}, written by
 * maven-dependency-plugin in pre-integration-test; see pom.xml): Tally's classes and Kafka's come from the uploaded
 * job jar, as on a real cluster.
 */
final class FlinkCluster implements AutoCloseable {
    /** Slots per TaskManager: each job (parallelism 2) takes one slot on each of two TaskManagers. */
    static final int SLOTS = 2;
    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final String MAIN_JOBMANAGER = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    private static final String MAIN_TASKMANAGER = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    /** What Flink's default config.yaml passes to every JVM on Java 17 (env.java.opts.all). */
    private static final List<String> JAVA_17_OPENS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED", "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED", "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    private final Path dir;
    private final String classpath;
    private final int restPort;
    private final FlinkRest rest;
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final java.util.Set<String> killed = new java.util.HashSet<>();
    private final Thread shutdownHook = new Thread(this::destroyAll, "flink-cluster-cleanup");
    private int taskManagersStarted;

    private FlinkCluster(Path dir, String classpath, int restPort) {
        this.dir = dir;
        this.classpath = classpath;
        this.restPort = restPort;
        this.rest = new FlinkRest(restPort);
    }

    /**
     * Starts a JobManager and {@code taskManagers} TaskManagers and returns once they are all registered.
     *
     * @param dir the build's target/cluster-it: classpath.txt and lib/ in, conf/, logs/, tmp/ out
     */
    static FlinkCluster start(Path dir, int taskManagers) throws Exception {
        FlinkCluster cluster = new FlinkCluster(dir, runtimeClasspath(dir), freePort());
        Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
        try {
            cluster.writeConfig();
            cluster.launch("jobmanager", MAIN_JOBMANAGER, List.of("-Xmx512m", "-Xms512m", "-XX:MaxMetaspaceSize=256m"));
            // TaskManagers started before the JobManager listens would wait 10 s before retrying to register.
            cluster.await("the JobManager's REST endpoint", () -> cluster.rest.getIfUp("/overview").isPresent());
            for (int i = 0; i < taskManagers; i++) cluster.startTaskManager();
            cluster.awaitTaskManagers(taskManagers);
            return cluster;
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    FlinkRest rest() {
        return rest;
    }

    /** Starts one more TaskManager (as Kubernetes would replace a lost pod); returns its process name. */
    String startTaskManager() throws IOException {
        String name = "taskmanager-" + (++taskManagersStarted);
        // Heap = framework + task heap, direct = framework + task off-heap + network, as in conf/config.yaml;
        // bin/taskmanager.sh derives these from the same settings.
        launch(name, MAIN_TASKMANAGER, List.of("-Xmx384m", "-Xms384m", "-XX:MaxDirectMemorySize=160m",
                "-XX:MaxMetaspaceSize=192m"));
        return name;
    }

    /** The TaskManager started first among those alive. */
    String oldestTaskManager() {
        for (int i = 1; i <= taskManagersStarted; i++) {
            String name = "taskmanager-" + i;
            if (processes.containsKey(name) && !killed.contains(name)) return name;
        }
        throw new IllegalStateException("no TaskManager alive");
    }

    /** SIGKILL (what Process.destroyForcibly sends on Linux): no shutdown hook, no goodbye to the JobManager. */
    void kill(String name) throws InterruptedException {
        Process p = processes.get(name);
        killed.add(name);
        p.destroyForcibly();
        if (!p.waitFor(30, TimeUnit.SECONDS)) throw new IllegalStateException(name + " did not die");
    }

    /** Waits until this many TaskManagers are registered with the JobManager. */
    void awaitTaskManagers(int count) {
        await(count + " registered TaskManagers",
                () -> rest.get("/overview").path("taskmanagers").asInt() == count);
    }

    /** The last lines of every process's log and output, for assertion messages. */
    String logTails(int lines) {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.list(dir.resolve("logs"))) {
            for (Path f : files.sorted().collect(Collectors.toList())) {
                List<String> all = Files.readAllLines(f, StandardCharsets.UTF_8);
                if (all.isEmpty()) continue;
                sb.append("\n==== ").append(f).append(" (last ").append(Math.min(lines, all.size())).append(" lines)\n");
                all.subList(Math.max(0, all.size() - lines), all.size()).forEach(l -> sb.append(l).append('\n'));
            }
        } catch (IOException e) {
            sb.append("\n(cannot read logs: ").append(e).append(')');
        }
        return sb.toString();
    }

    @Override
    public void close() {
        destroyAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // the JVM is shutting down: the hook runs anyway
        }
    }

    private synchronized void destroyAll() {
        for (Process p : processes.values()) p.destroyForcibly();
        for (Process p : processes.values()) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void writeConfig() throws IOException {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.createDirectories(dir.resolve("logs"));
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        List<String> config = List.of(
                "jobmanager.rpc.address: localhost",
                "jobmanager.rpc.port: " + freePort(),
                "jobmanager.bind-host: localhost",
                "rest.address: localhost",
                "rest.bind-address: localhost",
                "rest.port: " + restPort,
                "taskmanager.host: localhost",
                "taskmanager.bind-host: localhost",
                "taskmanager.numberOfTaskSlots: " + SLOTS,
                "taskmanager.cpu.cores: 2",
                // Explicit sizes (about 1 GB per TaskManager): bin/taskmanager.sh would compute them from
                // taskmanager.memory.process.size; TaskManagerRunner started directly needs them spelled out.
                "taskmanager.memory.framework.heap.size: 128m",
                "taskmanager.memory.task.heap.size: 256m",
                "taskmanager.memory.managed.size: 128m",
                "taskmanager.memory.framework.off-heap.size: 64m",
                "taskmanager.memory.task.off-heap.size: 32m",
                "taskmanager.memory.network.min: 64m",
                "taskmanager.memory.network.max: 64m",
                "taskmanager.memory.jvm-metaspace.size: 192m",
                "taskmanager.memory.jvm-overhead.min: 64m",
                "taskmanager.memory.jvm-overhead.max: 64m",
                // Spread each job's slots over the TaskManagers, so that killing one hits both jobs.
                "taskmanager.load-balance.mode: SLOTS",
                // A killed TaskManager stops answering heartbeats: with 1 s heartbeats it is declared lost after
                // two failed ones (heartbeat.rpc-failure-threshold) instead of the default 50 s timeout.
                "heartbeat.interval: 1000",
                // Fresh checkpoint statistics over REST (cached for 3 s by default): a test that acts while a
                // checkpoint is in progress must see it.
                "rest.cache.checkpoint-statistics.timeout: 10ms",
                "heartbeat.timeout: 30000",
                "io.tmp.dirs: " + tmp,
                "state.backend.rocksdb.log.dir: " + tmp.resolve("rocksdb-logs"),
                "web.upload.dir: " + tmp.resolve("upload"));
        Files.write(conf.resolve("config.yaml"), config, StandardCharsets.UTF_8);
        Files.write(conf.resolve("log4j2.properties"), List.of(
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.file.ref = file",
                "appender.file.type = File",
                "appender.file.name = file",
                "appender.file.fileName = ${sys:log.file}",
                "appender.file.layout.type = PatternLayout",
                "appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p [%t] %c{1.} - %m%n",
                "logger.kafka.name = org.apache.kafka",
                "logger.kafka.level = WARN"), StandardCharsets.UTF_8);
    }

    private void launch(String name, String mainClass, List<String> memory) throws IOException {
        Path logs = dir.resolve("logs");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(memory);
        command.addAll(JAVA_17_OPENS);
        // Without a log4j configuration a TaskManager that fails at start exits 1 without a word.
        command.add("-Dlog.file=" + logs.resolve(name + ".log"));
        command.add("-Dlog4j.configurationFile=" + dir.resolve("conf").resolve("log4j2.properties"));
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.add("--configDir");
        command.add(dir.resolve("conf").toString());
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(logs.resolve(name + ".out").toFile())
                .start();
        synchronized (this) {
            processes.put(name, p);
        }
    }

    @FunctionalInterface
    interface Condition {
        boolean holds() throws Exception;
    }

    /** Polls the condition until it holds; fails after {@link #STARTUP}, or at once if a process died. */
    private void await(String what, Condition condition) {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (true) {
            try {
                if (condition.holds()) return;
            } catch (FlinkRest.Unavailable notYet) {
                // serving again after its leader election
            } catch (Exception e) {
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
                throw new AssertionError("while waiting for " + what + ": " + e + logTails(40), e);
            }
            for (Map.Entry<String, Process> p : processes.entrySet()) {
                if (!p.getValue().isAlive() && !killed.contains(p.getKey())) {
                    throw new AssertionError(p.getKey() + " exited with " + p.getValue().exitValue() + logTails(60));
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + STARTUP + logTails(60));
            }
            LockSupport.parkNanos(200_000_000L);
        }
    }

    private static String runtimeClasspath(Path dir) throws IOException {
        Path file = dir.resolve("classpath.txt");
        if (!Files.exists(file)) {
            throw new IllegalStateException(file + " is missing: run this test through `mvn verify`, whose"
                    + " pre-integration-test phase writes the Flink runtime classpath (see pom.xml)");
        }
        List<String> entries = new ArrayList<>(List.of(Files.readString(file).trim().split(java.io.File.pathSeparator)));
        try (Stream<Path> lib = Files.list(dir.resolve("lib"))) {
            lib.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(p -> entries.add(p.toString()));
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A job's JSON, for diagnostics. */
    JsonNode job(String jobId) throws IOException, InterruptedException {
        return rest.get("/jobs/" + jobId);
    }
}
