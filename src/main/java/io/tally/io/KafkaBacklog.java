package io.tally.io;

import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.MetricsReporter;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The backlog of each partition a Kafka source reads, from its consumers' own {@code records-lag} metric: the last
 * stable offset (read_committed) minus the consumer's position, as of its latest fetch. That position already steps
 * over transaction markers and aborted records, so a caught-up partition reads 0.
 *
 * <p>The source's consumers carry {@link LagReporter} in {@code metric.reporters}; it files their partition metrics
 * in a registry of this JVM under the source's id, where the watermark generators of the same source look them up. A
 * partition no fetch has answered yet has no metric, and counts as not caught up.
 */
public final class KafkaBacklog implements PartitionWatermarks.Backlog {
    private static final long serialVersionUID = 1L;

    /** Consumer property naming the source a consumer reads for (passed on to the reporter). */
    public static final String SOURCE_ID = "tally.backlog.source";

    /** Partition lag metrics of each source's consumers in this JVM, by source id. */
    private static final Map<String, Partitions> SOURCES = new ConcurrentHashMap<>();

    private final String sourceId;

    /** @param sourceId unique per source of a job (several jobs may share a TaskManager) */
    public KafkaBacklog(String sourceId) {
        this.sourceId = sourceId;
    }

    /** The consumer properties that make a source's consumers report their lag here. */
    public void configure(java.util.Properties consumerProperties) {
        String reporters = consumerProperties.getProperty("metric.reporters", "").trim();
        consumerProperties.setProperty("metric.reporters",
                reporters.isEmpty() ? LagReporter.class.getName() : reporters + "," + LagReporter.class.getName());
        consumerProperties.setProperty(SOURCE_ID, sourceId);
    }

    @Override
    public PartitionWatermarks.Probe open() {
        Partitions partitions = SOURCES.computeIfAbsent(sourceId, id -> new Partitions());
        Set<Integer> claimed = ConcurrentHashMap.newKeySet();
        return new PartitionWatermarks.Probe() {
            @Override
            public void claim(int partition) {
                claimed.add(partition);
            }

            @Override
            public boolean caughtUp(Integer partition) {
                return partition == null ? partitions.caughtUpExcept(claimed) : partitions.caughtUp(partition);
            }
        };
    }

    /** The lag metrics of one source's consumers in this JVM (of every task of it running here). */
    static final class Partitions {
        final Map<Integer, KafkaMetric> lag = new ConcurrentHashMap<>();

        boolean caughtUp(int partition) {
            KafkaMetric m = lag.get(partition);
            return m != null && isZero(m);
        }

        /**
         * For a partition not known by number: whether every partition with a metric, except those a task already
         * claimed, has nothing waiting, and at least one has answered a fetch. Partitions of other tasks in this JVM
         * count too, which can only delay idleness, never bring it early.
         */
        boolean caughtUpExcept(Set<Integer> claimed) {
            boolean any = false;
            for (Map.Entry<Integer, KafkaMetric> e : lag.entrySet()) {
                if (claimed.contains(e.getKey())) continue;
                if (!isZero(e.getValue())) return false;
                any = true;
            }
            return any;
        }

        private static boolean isZero(KafkaMetric m) {
            Object v = m.metricValue();
            return v instanceof Number && ((Number) v).doubleValue() <= 0;
        }
    }

    /** Files each consumer's partition {@code records-lag} metrics under the source id of its configuration. */
    public static final class LagReporter implements MetricsReporter {
        private String sourceId;

        @Override
        public void configure(Map<String, ?> configs) {
            Object id = configs.get(SOURCE_ID);
            sourceId = id == null ? null : id.toString();
        }

        @Override
        public void init(List<KafkaMetric> metrics) {
            metrics.forEach(this::metricChange);
        }

        @Override
        public void metricChange(KafkaMetric metric) {
            Integer partition = partitionLag(metric);
            if (partition != null && sourceId != null) {
                SOURCES.computeIfAbsent(sourceId, id -> new Partitions()).lag.put(partition, metric);
            }
        }

        @Override
        public void metricRemoval(KafkaMetric metric) {
            Integer partition = partitionLag(metric);
            Partitions partitions = sourceId == null ? null : SOURCES.get(sourceId);
            if (partition != null && partitions != null) partitions.lag.remove(partition, metric);
        }

        @Override
        public void close() {
            // Metrics are removed one by one as the consumer closes; the (small) source entry stays for a restart.
        }

        private static Integer partitionLag(KafkaMetric metric) {
            if (!"records-lag".equals(metric.metricName().name())) return null;
            String partition = metric.metricName().tags().get("partition");
            return partition == null ? null : Integer.valueOf(partition);
        }
    }
}
