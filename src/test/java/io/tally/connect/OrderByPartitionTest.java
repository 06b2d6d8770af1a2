package io.tally.connect;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
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
 * that the topic's partitions are ordered by event time. Records are "key@ts"; with one partition every key is in it.
 */
class OrderByPartitionTest {
    private OneInputStreamOperatorTestHarness<String, String> h;

    private static OneInputStreamOperatorTestHarness<String, String> harness(int partitions, int tasks, int task)
            throws Exception {
        return new OneInputStreamOperatorTestHarness<>(
                new OrderByPartition<>(partitions, r -> r.substring(0, r.indexOf('@')), Types.STRING), tasks, tasks, task);
    }

    @BeforeEach
    void open() throws Exception {
        h = harness(1, 1, 0);
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

    private int waiting() {
        return ((OrderByPartition<?>) h.getOneInputOperator()).waiting();
    }

    @Test
    void recordsLeaveInTimestampOrderOnceTheWatermarkPassesThem() throws Exception {
        // Two upstream tasks, each in order, interleaved: the second task runs ahead of the first.
        record("a@300");
        record("b@100");
        record("c@200");
        record("d@200");
        h.processWatermark(150);
        assertThat(released()).containsExactly("b@100");
        h.processWatermark(300);
        assertThat(released()).containsExactly("c@200", "d@200", "a@300");
        assertThat(waiting()).as("records waiting").isZero();
    }

    @Test
    void aRecordAtOrBehindTheWatermarkOrWithoutTimestampLeavesAtOnce() throws Exception {
        h.processWatermark(500);
        record("a@500");
        record("b@400");
        h.processElement(new StreamRecord<>("update@0"));
        assertThat(h.extractOutputValues()).containsExactly("a@500", "b@400", "update@0");
        assertThat(waiting()).isZero();
    }

    @Test
    void waitingRecordsSurviveASnapshotAndRestore() throws Exception {
        record("a@300");
        record("b@100");
        var snapshot = h.snapshot(1L, 1L);
        h.close();
        h = harness(1, 1, 0);
        h.initializeState(snapshot);
        h.open();
        h.processWatermark(1_000);
        assertThat(released()).containsExactly("b@100", "a@300");
    }

    @Test
    void afterARescaleEachTaskKeepsTheWaitingRecordsOfThePartitionsItOwns() throws Exception {
        h.close();
        h = harness(4, 1, 0);
        h.open();
        List<String> records = new ArrayList<>();
        for (int i = 0; i < 40; i++) records.add("o-" + i + "@" + (100 + i));
        for (String r : records) record(r);
        var snapshot = h.snapshot(1L, 1L);
        for (int task = 0; task < 2; task++) {
            var t = harness(4, 2, task);
            t.initializeState(snapshot);
            t.open();
            t.processWatermark(1_000);
            int owner = task;
            assertThat(t.extractOutputValues()).as("task %d", task).containsExactlyElementsOf(records.stream()
                    .filter(r -> KafkaIo.partitionOf(r.substring(0, r.indexOf('@')), 4) % 2 == owner).toList());
            t.close();
        }
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
