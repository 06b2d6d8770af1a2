package io.tally.local;

import kafka.server.BrokerServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Utils;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A single-node KRaft Kafka broker (combined broker and controller) running inside this JVM, built with Kafka's
 * own test kit. It serves {@code tally local} and the integration tests; it is never part of a cluster deployment.
 *
 * <p>The broker listens on a free localhost port ({@link #bootstrapServers()}), is configured for transactions on
 * one node, and does not create topics on demand: create them with {@link Topics} or the {@link #admin()}.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** Broker settings a one-node cluster needs, and the ones Tally relies on; extra properties override them. */
    public static Map<String, String> defaultBrokerProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        // Internal topics default to replication factor 3, which one node cannot satisfy; one partition each is
        // plenty for one node and quicker to load.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        // Consumer groups start at once instead of waiting 3 s for more members.
        p.put("group.initial.rebalance.delay.ms", "0");
        // Room above the exactly-once sinks' transaction.timeout.ms (TallyConfig: 5 min).
        p.put("transaction.max.timeout.ms", "900000");
        // Every topic is created on purpose, with its settings (a typo must fail, not create a topic).
        p.put("auto.create.topics.enable", "false");
        // Records carry event time: keep them whatever their age, and accept a generator running ahead of the clock.
        p.put("log.retention.ms", "-1");
        p.put("log.message.timestamp.after.max.ms", Long.toString(Long.MAX_VALUE));
        return p;
    }

    private final KafkaClusterTestKit cluster;
    private final Path dataDir;
    private final Map<String, Object> clientProperties;
    private Admin admin;
    private boolean closed;

    private EmbeddedKafka(KafkaClusterTestKit cluster, Path dataDir, Map<String, Object> clientProperties) {
        this.cluster = cluster;
        this.dataDir = dataDir;
        this.clientProperties = clientProperties;
    }

    /** Starts a broker with its data in a temporary directory, deleted on {@link #close()}. */
    public static EmbeddedKafka start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code host:port} of the broker's client listener. */
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /**
     * Properties every client of this broker needs: {@code bootstrap.servers} and the client properties given to
     * the builder (security settings when the broker requires them). A fresh, modifiable copy.
     */
    public Map<String, Object> clientProperties() {
        Map<String, Object> p = new LinkedHashMap<>(clientProperties);
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return p;
    }

    /** An admin client owned by this broker: shared, closed by {@link #close()}; callers must not close it. */
    public synchronized Admin admin() {
        if (closed) throw new IllegalStateException("the embedded Kafka broker is closed");
        if (admin == null) admin = Admin.create(clientProperties());
        return admin;
    }

    /**
     * Stops the broker and starts it again with its data, on the same port, as a rolling restart does: clients
     * reconnect by themselves, and transactions open at the stop are aborted by the broker once they time out or
     * their producer starts again. The controller stays up. Returns once the broker accepts clients again.
     */
    public synchronized void restart() {
        if (closed) throw new IllegalStateException("the embedded Kafka broker is closed");
        BrokerServer broker = cluster.brokers().values().iterator().next();
        broker.shutdown();
        broker.awaitShutdown();
        try {
            broker.startup();
            cluster.waitForReadyBrokers();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while restarting the embedded Kafka broker", e);
        } catch (Exception e) {
            throw new IllegalStateException("the embedded Kafka broker did not start again: " + e.getMessage(), e);
        }
    }

    /** Where the broker keeps its logs and metadata. */
    public Path dataDir() {
        return dataDir;
    }

    /** Stops the broker; deletes its data unless the builder was given a data directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (admin != null) admin.close(Duration.ofSeconds(10));
        try {
            cluster.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the embedded Kafka broker", e);
        } catch (Exception e) {
            throw new IllegalStateException("the embedded Kafka broker did not stop cleanly", e);
        }
    }

    public static final class Builder {
        private Path dataDir;
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private final Map<String, Object> clientProperties = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Keeps the broker's data in this directory, which is kept after close. It must be absent or empty: the
         * broker is formatted anew on every start (a fresh cluster id), so it cannot resume earlier data.
         * {@code null} (the default): a temporary directory, deleted on close.
         */
        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        /** A broker setting (e.g. listener security for SASL tests); overrides {@link #defaultBrokerProperties()}. */
        public Builder brokerProperty(String key, String value) {
            brokerProperties.put(key, value);
            return this;
        }

        public Builder brokerProperties(Map<String, String> properties) {
            brokerProperties.putAll(properties);
            return this;
        }

        /** A setting of the broker's own clients ({@link #admin()}), returned by {@link #clientProperties()}. */
        public Builder clientProperty(String key, Object value) {
            clientProperties.put(key, value);
            return this;
        }

        /** Formats and starts the broker, and returns once it accepts clients (about 2-3 s). */
        public EmbeddedKafka start() {
            boolean temporary = dataDir == null;
            Path dir = temporary ? createTempDir() : prepareDataDir(dataDir);

            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBaseDirectory(dir)
                    .build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes).setDeleteOnClose(temporary);
            Map<String, String> props = defaultBrokerProperties();
            props.putAll(brokerProperties);
            props.forEach(builder::setConfigProp);

            KafkaClusterTestKit cluster = null;
            try {
                cluster = builder.build();
                formatQuietly(cluster);
                cluster.startup();
                cluster.waitForReadyBrokers();
                return new EmbeddedKafka(cluster, dir, new LinkedHashMap<>(clientProperties));
            } catch (Exception e) {
                closeQuietly(cluster, e);
                if (temporary) deleteQuietly(dir, e);
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
                throw new IllegalStateException("the embedded Kafka broker did not start: " + e.getMessage(), e);
            }
        }

        /** Kafka's storage formatter reports to System.out; the terminal of {@code tally local} is the dashboard's. */
        private static void formatQuietly(KafkaClusterTestKit cluster) throws Exception {
            PrintStream stdout = System.out;
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            try {
                cluster.format();
            } finally {
                System.setOut(stdout);
            }
        }

        private static Path createTempDir() {
            try {
                return Files.createTempDirectory("tally-kafka-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a temporary directory for the Kafka broker", e);
            }
        }

        private static Path prepareDataDir(Path dir) {
            try {
                if (Files.isDirectory(dir)) {
                    try (Stream<Path> entries = Files.list(dir)) {
                        if (entries.findAny().isPresent()) {
                            throw new IllegalArgumentException("the Kafka data directory " + dir
                                    + " is not empty: the embedded broker needs a new or empty directory");
                        }
                    }
                }
                return Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot use " + dir + " as the Kafka data directory", e);
            }
        }

        private static void closeQuietly(KafkaClusterTestKit cluster, Exception cause) {
            if (cluster == null) return;
            try {
                cluster.close();
            } catch (Exception e) {
                cause.addSuppressed(e);
            }
        }

        private static void deleteQuietly(Path dir, Exception cause) {
            try {
                Utils.delete(dir.toFile());
            } catch (IOException e) {
                cause.addSuppressed(e);
            }
        }
    }
}
