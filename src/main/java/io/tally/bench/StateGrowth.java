package io.tally.bench;

import io.tally.config.TallyConfig;
import io.tally.event.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How big the state gets as simulated days of traffic go by. Horizons are shortened (at most two days) so that
 * they expire within the run: the size must level off once they do, which is what bounded state means; with
 * production horizons it levels off the same way, after the longest of them (90 days of order memory).
 */
final class StateGrowth {
    private StateGrowth() {}

    /** The configuration of the state-growth run: every horizon at most two days. */
    static TallyConfig shortHorizons(TallyConfig phase) {
        TallyConfig c = BenchConfigs.copy(phase);
        c.attribution.clickWindow = Duration.ofDays(1);
        c.attribution.viewWindow = Duration.ofDays(1);
        c.attribution.settlementWindow = Duration.ofDays(1);
        c.attribution.orderMemory = Duration.ofDays(2);
        c.attribution.customerHorizon = Duration.ofDays(2);
        for (Map.Entry<String, Duration> e : c.attribution.dedup.entrySet()) {
            if (e.getValue().compareTo(Duration.ofDays(1)) > 0) e.setValue(Duration.ofDays(1));
        }
        return c;
    }

    /** The horizons of {@link #shortHorizons}, for the report. */
    static Map<String, String> horizons(TallyConfig c) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("clickWindow", c.attribution.clickWindow.toString());
        m.put("viewWindow", c.attribution.viewWindow.toString());
        m.put("settlementWindow", c.attribution.settlementWindow.toString());
        m.put("orderMemory", c.attribution.orderMemory.toString());
        m.put("customerHorizon", c.attribution.customerHorizon.toString());
        m.put("longestDedup", c.attribution.dedup.values().stream().max(Duration::compareTo).orElse(Duration.ZERO)
                .toString());
        return m;
    }

    /**
     * Waits until the job's consumer group has committed every input partition's end offset (committed on
     * checkpoints: the job has read, and checkpointed the state of, everything sent so far).
     */
    static void awaitCaughtUp(Admin admin, TallyConfig config, Duration timeout) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (Stream s : Stream.values()) {
            if (!s.isInput()) continue;
            String topic = config.topic(s);
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            for (int p = 0; p < partitions; p++) latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(config.kafka.groupId).partitionsToOffsetAndMetadata().get();
            boolean caughtUp = true;
            for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : ends.entrySet()) {
                if (e.getValue().offset() == 0) continue;
                OffsetAndMetadata c = committed.get(e.getKey());
                if (c == null || c.offset() < e.getValue().offset()) {
                    caughtUp = false;
                    break;
                }
            }
            if (caughtUp) return;
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the state-growth job did not catch up with its input within " + timeout);
            }
            Thread.sleep(200); // polling an external system's progress, not synchronising threads
        }
    }
}
