package io.tally.io;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records of one partition, written by several tasks, leave in timestamp order once the watermark passes them, so
 * that the topic's partitions are ordered by event time.
 */
class ReleaseInTimestampOrderTest {
    private KeyedOneInputStreamOperatorTestHarness<Integer, String, String> h;

    @BeforeEach
    void open() throws Exception {
        // Records "key@ts", keyed by their partition: the digit before '@'.
        h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ReleaseInTimestampOrder<>(Types.STRING)),
                r -> Integer.parseInt(r.substring(0, 1)), Types.INT);
        h.open();
    }

    @AfterEach
    void close() throws Exception {
        h.close();
    }

    private void record(String r) throws Exception {
        h.processElement(r, Long.parseLong(r.substring(r.indexOf('@') + 1)));
    }

    private List<String> released() {
        List<String> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                out.add(r.getValue() + (r.getTimestamp() == Long.parseLong(((String) r.getValue()).split("@")[1]) ? "" : " (restamped)"));
            }
        }
        h.getOutput().clear();
        return out;
    }

    @Test
    void recordsOfAPartitionLeaveInTimestampOrderOnceTheWatermarkPassesThem() throws Exception {
        // Two upstream tasks, each in order, interleaved: the second task runs ahead of the first.
        record("0a@300");
        record("0b@100");
        record("1c@200");
        record("0d@200");
        h.processWatermark(150);
        assertThat(released()).containsExactly("0b@100");
        h.processWatermark(300);
        List<String> out = released();
        assertThat(out.stream().filter(r -> r.startsWith("0"))).containsExactly("0d@200", "0a@300");
        assertThat(out).containsExactlyInAnyOrder("1c@200", "0d@200", "0a@300");
        assertThat(h.numKeyedStateEntries()).as("keyed state entries").isZero();
        assertThat(h.numEventTimeTimers()).as("timers").isZero();
    }

    @Test
    void aRecordAtOrBehindTheWatermarkLeavesAtOnce() throws Exception {
        h.processWatermark(500);
        record("0a@500");
        record("0b@400");
        assertThat(released()).containsExactly("0a@500", "0b@400");
        assertThat(h.numKeyedStateEntries()).isZero();
    }

    @Test
    void waitingRecordsSurviveASnapshotAndRestore() throws Exception {
        record("0a@300");
        record("0b@100");
        var snapshot = h.snapshot(1L, 1L);
        h.close();
        h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ReleaseInTimestampOrder<>(Types.STRING)),
                r -> Integer.parseInt(r.substring(0, 1)), Types.INT);
        h.initializeState(snapshot);
        h.open();
        h.processWatermark(1_000);
        assertThat(released()).containsExactly("0b@100", "0a@300");
    }

    @Test
    void partitionOfIsTheProducersOwnChoiceForAKeyedRecord() {
        for (int partitions : new int[] {1, 2, 3, 12}) {
            for (int i = 0; i < 1_000; i++) {
                String key = "o-" + i;
                assertThat(KafkaIo.partitionOf(key, partitions)).as(key).isEqualTo(
                        BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), partitions));
            }
        }
    }
}
