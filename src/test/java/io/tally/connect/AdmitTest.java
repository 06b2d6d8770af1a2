package io.tally.connect;

import io.tally.core.DeadLetters;
import io.tally.event.ContentType;
import io.tally.event.Order;
import io.tally.event.RecordTypeInfo;
import io.tally.event.Stream;
import io.tally.event.View;
import io.tally.io.DeadLetter;
import io.tally.io.DeadLetterReason;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.clusterframework.types.ResourceID;
import org.apache.flink.runtime.executiongraph.ExecutionAttemptID;
import org.apache.flink.runtime.metrics.groups.TaskManagerMetricGroup;
import org.apache.flink.runtime.metrics.groups.TaskMetricGroup;
import org.apache.flink.runtime.metrics.util.TestingMetricRegistry;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Admit} with the records {@link RecordReader} makes of raw bytes: usable records go on, rejected ones become
 * dead letters with their coordinates, and lateness is judged per partition against its own greatest ts.
 */
class AdmitTest {
    private static final long BOUND = 5_000;
    private static final RecordReader<View> READER = new RecordReader<>(Stream.VIEWS, View.class, 300_000);
    /** Arrival time of the records: far enough ahead that none of them is FUTURE. */
    private static final long ARRIVAL = 1_000_000_000L;

    private final List<OneInputStreamOperatorTestHarness<?, ?>> harnesses = new ArrayList<>();

    @AfterEach
    void closeHarnesses() throws Exception {
        for (OneInputStreamOperatorTestHarness<?, ?> h : harnesses) h.close();
    }

    private OneInputStreamOperatorTestHarness<Ingested<View>, View> views() throws Exception {
        OneInputStreamOperatorTestHarness<Ingested<View>, View> h =
                ProcessFunctionTestHarnesses.forProcessFunction(new Admit<View>(Stream.VIEWS, BOUND, BOUND));
        harnesses.add(h);
        return h;
    }

    /** A harness that is set up but not yet opened, so that state can be restored into it first. */
    private OneInputStreamOperatorTestHarness<Ingested<View>, View> unopenedViews(MockEnvironment env) throws Exception {
        ProcessOperator<Ingested<View>, View> op = new ProcessOperator<>(new Admit<View>(Stream.VIEWS, BOUND, BOUND));
        OneInputStreamOperatorTestHarness<Ingested<View>, View> h = env == null
                ? new OneInputStreamOperatorTestHarness<>(op) : new OneInputStreamOperatorTestHarness<>(op, env);
        harnesses.add(h);
        return h;
    }

    /** A harness restored from {@code snapshot} and opened. */
    private OneInputStreamOperatorTestHarness<Ingested<View>, View> restored(OperatorSubtaskState snapshot)
            throws Exception {
        var h = unopenedViews(null);
        h.initializeState(snapshot);
        h.open();
        return h;
    }

    static String viewJson(String eventId, long ts) {
        return "{\"eventId\":\"" + eventId + "\",\"ts\":" + ts + ",\"userId\":\"u1\",\"creatorId\":\"c1\","
                + "\"contentId\":\"k1\",\"contentType\":\"VIDEO\"}";
    }

    static Ingested<View> kafka(String json, int partition, long offset) {
        return READER.read(json.getBytes(StandardCharsets.UTF_8), "tally.views", partition, (long) offset, ARRIVAL);
    }

    static Ingested<View> line(String json) {
        return READER.read(json.getBytes(StandardCharsets.UTF_8), null, null, null, ARRIVAL);
    }

    static List<DeadLetter> deadLetters(OneInputStreamOperatorTestHarness<Ingested<View>, ?> h) {
        var side = h.getSideOutput(DeadLetters.TAG);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    static List<String> eventIds(OneInputStreamOperatorTestHarness<Ingested<View>, View> h) {
        return h.extractOutputValues().stream().map(v -> v.eventId).collect(Collectors.toList());
    }

    @Test
    void emitsTypedRecords() throws Exception {
        var h = views();
        h.processElement(kafka(viewJson("v1", 1000), 0, 7), 1000);
        assertThat(h.extractOutputValues()).containsExactly(
                new View("v1", 1000, "u1", "c1", "k1", ContentType.VIDEO, "OTHER", new String[0]));
        assertThat(deadLetters(h)).isEmpty();
    }

    @Test
    void invalidRecordsGoToTheSideOutputWithTheirKafkaCoordinates() throws Exception {
        var h = views();
        h.processElement(kafka("{not json", 2, 41), 0);
        h.processElement(kafka("{\"eventId\":\"v1\"}", 2, 42), 0);
        h.processElement(kafka(viewJson("v2", 1000).replace("VIDEO", "TV"), 3, 43), 0);
        h.processElement(line(viewJson("", 1000)), 0);

        assertThat(h.extractOutputValues()).isEmpty();
        List<DeadLetter> dead = deadLetters(h);
        assertThat(dead).extracting(d -> d.reason).containsExactly(DeadLetterReason.MALFORMED_JSON,
                DeadLetterReason.MISSING_FIELD, DeadLetterReason.INVALID_VALUE, DeadLetterReason.INVALID_VALUE);
        assertThat(dead).extracting(d -> d.stream).containsOnly("views");
        assertThat(dead.get(0)).isEqualTo(new DeadLetter("views", DeadLetterReason.MALFORMED_JSON, dead.get(0).detail,
                "{not json", "tally.views", 2, 41L));
        assertThat(dead.get(1).detail).isEqualTo("ts: missing");
        assertThat(dead.get(1).offset).isEqualTo(42L);
        assertThat(dead.get(2).detail).isEqualTo("contentType: 'TV' is not one of VIDEO, LIVE");
        assertThat(dead.get(2).partition).isEqualTo(3);
        // From a replay file: no Kafka coordinates.
        assertThat(dead.get(3).detail).isEqualTo("eventId: must not be empty");
        assertThat(dead.get(3).topic).isNull();
        assertThat(dead.get(3).partition).isNull();
        assertThat(dead.get(3).offset).isNull();
        assertThat(dead.get(3).payload).isEqualTo(viewJson("", 1000));
    }

    @Test
    void payloadIsCutAt10000Characters() throws Exception {
        var h = views();
        String huge = "{\"eventId\":\"" + "é".repeat(30_000) + "\"";  // unterminated, 2 bytes per character
        h.processElement(kafka(huge, 0, 1), 0);
        DeadLetter d = deadLetters(h).get(0);
        assertThat(d.reason).isEqualTo(DeadLetterReason.MALFORMED_JSON);
        assertThat(d.payload).hasSize(DeadLetter.MAX_PAYLOAD_CHARS).isEqualTo(huge.substring(0, DeadLetter.MAX_PAYLOAD_CHARS));
    }

    @Test
    void payloadDecodingReplacesMalformedUtf8AndNeverSplitsASurrogatePair() {
        assertThat(Admit.payload(new byte[] {'{', (byte) 0xff, '}'})).isEqualTo("{\uFFFD}");
        assertThat(Admit.payload(null)).isNull();
        String emoji = "x" + "\uD83D\uDE00".repeat(6_000);  // the pair at chars 9999-10000 straddles the cut
        String cut = Admit.payload(emoji.getBytes(StandardCharsets.UTF_8));
        assertThat(cut).hasSize(DeadLetter.MAX_PAYLOAD_CHARS - 1).isEqualTo(emoji.substring(0, DeadLetter.MAX_PAYLOAD_CHARS - 1));
        byte[] ascii = "a".repeat(100_000).getBytes(StandardCharsets.UTF_8);
        assertThat(Admit.payload(ascii)).hasSize(DeadLetter.MAX_PAYLOAD_CHARS);
    }

    @Test
    void recordsFurtherBehindThanTheBoundAreLate() throws Exception {
        var h = views();
        h.processElement(kafka(viewJson("a", 8_000), 0, 0), 0);
        h.processElement(kafka(viewJson("b", 3_000), 0, 1), 0);   // exactly the bound behind: still on time
        h.processElement(kafka(viewJson("c", 2_999), 0, 2), 0);   // late
        h.processElement(kafka(viewJson("d", 9_000), 0, 3), 0);
        h.processElement(kafka(viewJson("e", 3_999), 0, 4), 0);   // late against the new maximum
        h.processElement(kafka(viewJson("f", 4_000), 0, 5), 0);

        assertThat(eventIds(h)).containsExactly("a", "b", "d", "f");
        List<DeadLetter> dead = deadLetters(h);
        assertThat(dead).extracting(d -> d.reason).containsOnly(DeadLetterReason.LATE);
        assertThat(dead).extracting(d -> d.detail).containsExactly(
                "ts 2999 is 5001 ms behind the greatest ts 8000 of its partition (bound 5000 ms)",
                "ts 3999 is 5001 ms behind the greatest ts 9000 of its partition (bound 5000 ms)");
        assertThat(dead.get(0).offset).isEqualTo(2L);
        assertThat(dead.get(0).payload).isEqualTo(viewJson("c", 2_999));
    }

    @Test
    void invalidRecordsDoNotMoveTheMaximum() throws Exception {
        var h = views();
        h.processElement(kafka(viewJson("a", 1_000), 0, 0), 0);
        h.processElement(kafka(viewJson("", 900_000), 0, 1), 0);  // invalid id: its ts must not count
        h.processElement(kafka(viewJson("b", 1_500), 0, 2), 0);
        assertThat(eventIds(h)).containsExactly("a", "b");
    }

    @Test
    void greatestTsSurvivesSnapshotAndRestore() throws Exception {
        var before = views();
        before.processElement(kafka(viewJson("a", 8_000), 0, 0), 0);
        before.processElement(kafka(viewJson("b", 6_000), 0, 1), 0);
        OperatorSubtaskState snapshot = before.snapshot(1L, 1L);

        var after = restored(snapshot);
        after.processElement(kafka(viewJson("late", 2_999), 0, 2), 0);
        after.processElement(kafka(viewJson("onTime", 3_000), 0, 3), 0);
        assertThat(eventIds(after)).containsExactly("onTime");
        assertThat(deadLetters(after)).singleElement().satisfies(d -> {
            assertThat(d.reason).isEqualTo(DeadLetterReason.LATE);
            assertThat(d.detail).contains("greatest ts 8000");
        });
    }

    @Test
    void restoringSeveralInstancesStateKeepsEachPartitionsMaximum() throws Exception {
        var one = views();
        one.processElement(kafka(viewJson("a", 8_000), 0, 0), 0);
        var two = views();
        two.processElement(kafka(viewJson("b", 20_000), 1, 0), 0);
        var empty = views();
        OperatorSubtaskState merged = AbstractStreamOperatorTestHarness.repackageState(
                one.snapshot(1L, 1L), two.snapshot(1L, 1L), empty.snapshot(1L, 1L));

        // After a rescale either partition may come to any task: each gets every partition's maximum back.
        var restored = restored(merged);
        restored.processElement(kafka(viewJson("late1", 14_999), 1, 1), 0);
        restored.processElement(kafka(viewJson("onTime1", 15_000), 1, 2), 0);
        restored.processElement(kafka(viewJson("late0", 2_999), 0, 1), 0);
        restored.processElement(kafka(viewJson("onTime0", 3_000), 0, 2), 0);
        assertThat(eventIds(restored)).containsExactly("onTime1", "onTime0");
    }

    @Test
    void aPartitionReadAheadOfAnotherNeverMakesTheOthersRecordsLate() throws Exception {
        Admit<View> admit = new Admit<>(Stream.VIEWS, BOUND, BOUND);
        var h = ProcessFunctionTestHarnesses.forProcessFunction(admit);
        harnesses.add(h);
        // Partition 0's backlog is read an hour ahead of partition 1's: each is in order on its own.
        h.processElement(kafka(viewJson("a0", 3_600_000), 0, 0), 0);
        h.processElement(kafka(viewJson("b0", 3_601_000), 0, 1), 0);
        h.processElement(kafka(viewJson("a1", 11_000), 1, 0), 0);
        h.processElement(kafka(viewJson("b1", 12_000), 1, 1), 0);
        h.processElement(kafka(viewJson("c1", 6_999), 1, 2), 0);  // 5,001 ms behind its own partition: late
        assertThat(eventIds(h)).containsExactly("a0", "b0", "a1", "b1");
        assertThat(deadLetters(h)).singleElement().satisfies(d -> {
            assertThat(d.reason).isEqualTo(DeadLetterReason.LATE);
            assertThat(d.partition).isEqualTo(1);
            assertThat(d.detail).isEqualTo("ts 6999 is 5001 ms behind the greatest ts 12000 of its partition (bound 5000 ms)");
        });
        assertThat(admit.maxTs(0)).isEqualTo(3_601_000);
        assertThat(admit.maxTs(1)).isEqualTo(12_000);
    }

    @Test
    void aRecordAtOrBehindTheWatermarkIsLate() throws Exception {
        var h = views();
        h.processWatermark(10_000);
        h.processElement(kafka(viewJson("behind", 10_000), 0, 0), 0);
        h.processElement(kafka(viewJson("ahead", 10_001), 0, 1), 0);
        assertThat(eventIds(h)).containsExactly("ahead");
        assertThat(deadLetters(h)).singleElement().satisfies(d -> {
            assertThat(d.reason).isEqualTo(DeadLetterReason.LATE);
            assertThat(d.detail).isEqualTo("ts 10000 is at or behind the watermark 10000");
        });
    }

    @Test
    void aFutureRecordIsADeadLetterAndMovesNoMaximum() throws Exception {
        var h = views();
        h.processElement(kafka(viewJson("a", 1_000), 0, 0), 0);
        long tenYears = 10L * 365 * 24 * 3_600_000;
        h.processElement(kafka(viewJson("future", ARRIVAL + tenYears), 0, 1), 0);
        h.processElement(kafka(viewJson("b", 1_500), 0, 2), 0);
        assertThat(eventIds(h)).containsExactly("a", "b");
        assertThat(deadLetters(h)).singleElement().satisfies(d -> {
            assertThat(d.reason).isEqualTo(DeadLetterReason.FUTURE);
            assertThat(d.offset).isEqualTo(1L);
            assertThat(d.payload).isEqualTo(viewJson("future", ARRIVAL + tenYears));
        });
    }

    @Test
    void readBackStreamsAreNeverLate() throws Exception {
        var h = ProcessFunctionTestHarnesses.forProcessFunction(new Admit<View>(Stream.VIEWS, Long.MAX_VALUE, BOUND));
        harnesses.add(h);
        h.processWatermark(50_000);
        h.processElement(kafka(viewJson("a", 60_000), 0, 0), 0);
        h.processElement(kafka(viewJson("b", 1_000), 0, 1), 0);
        assertThat(eventIds(h)).containsExactly("a", "b");
    }

    @Test
    void nothingSeenNothingLate() throws Exception {
        var fresh = views();
        OperatorSubtaskState snapshot = fresh.snapshot(1L, 1L);
        var restored = restored(snapshot);
        restored.processElement(kafka(viewJson("a", 0), 0, 0), 0);
        assertThat(eventIds(restored)).containsExactly("a");
    }

    @Test
    void countsRecordsInAndReportsTheWatermarkLagPerStream() throws Exception {
        Map<String, Metric> metrics = new ConcurrentHashMap<>();
        TestingMetricRegistry registry = TestingMetricRegistry.builder()
                .setRegisterConsumer((metric, name, group) -> metrics.put(group.getMetricIdentifier(name), metric))
                .build();
        TaskMetricGroup task = TaskManagerMetricGroup.createTaskManagerMetricGroup(registry, "host", ResourceID.generate())
                .addJob(new JobID(), "job").addTask(ExecutionAttemptID.randomId(), "task");
        MockEnvironment env = new MockEnvironmentBuilder().setMetricGroup(task).build();
        var h = unopenedViews(env);
        h.open();

        h.processElement(kafka(viewJson("a", 10_000), 0, 0), 0);
        h.processElement(kafka(viewJson("b", 10_001), 0, 1), 0);
        h.processElement(kafka("[]", 0, 2), 0);
        h.processElement(kafka("{}", 0, 3), 0);
        h.processElement(kafka(viewJson("c", -5), 0, 4), 0);
        h.processElement(kafka(viewJson("d", 1), 0, 5), 0);
        h.processElement(kafka(viewJson("e", 2), 0, 6), 0);

        // Dead letters are counted once, by stream and reason, where they leave the job (CountDeadLetters).
        assertThat(count(metrics, "tally.stream.views.recordsIn")).isEqualTo(2);
        Metric lag = metrics.entrySet().stream().filter(e -> e.getKey().endsWith(".tally.stream.views.watermarkLagMs"))
                .map(Map.Entry::getValue).findFirst().orElseThrow();
        long before = System.currentTimeMillis();
        // The greatest ts is 10,001: the watermark after this function is 10,001 - bound - 1.
        assertThat((Long) ((org.apache.flink.metrics.Gauge<?>) lag).getValue())
                .isBetween(before - (10_001 - BOUND - 1), System.currentTimeMillis() - (10_001 - BOUND - 1));
        env.close();
    }

    private static long count(Map<String, Metric> metrics, String suffix) {
        List<Metric> found = metrics.entrySet().stream().filter(e -> e.getKey().endsWith("." + suffix))
                .map(Map.Entry::getValue).collect(Collectors.toList());
        assertThat(found).as(suffix + " in " + metrics.keySet()).hasSize(1);
        return ((Counter) found.get(0)).getCount();
    }

    @Test
    void rejectsAMismatchedStreamAndType() {
        assertThatThrownBy(() -> new RecordReader<>(Stream.VIEWS, Order.class, BOUND))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("views holds View, not Order");
        assertThatThrownBy(() -> new RecordReader<>(Stream.ALERTS, Object.class, BOUND))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not read stream");
        assertThatThrownBy(() -> new Admit<View>(Stream.VIEWS, -1, BOUND))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void applyNamesTheOperatorAndRunsInAJob() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        DataStream<Ingested<View>> raw = env.fromData(READER.producedType(),
                kafka(viewJson("v1", 1_000), 0, 0), kafka("{oops", 0, 1), line(viewJson("v2", 20_000)),
                line(viewJson("v3", 10)));
        SingleOutputStreamOperator<View> parsed = Admit.apply(raw, Stream.VIEWS, View.class, BOUND, BOUND);
        assertThat(parsed.getTransformation().getUid()).isEqualTo("admit-views");
        assertThat(parsed.getName()).isEqualTo("Admit views");
        assertThat(parsed.getType()).isInstanceOf(RecordTypeInfo.class); // View's own serializer, never Kryo
        assertThat(parsed.getSideOutput(DeadLetters.TAG).getType()).isInstanceOf(PojoTypeInfo.class);

        DataStream<String> all = parsed.map(v -> "ok " + v.eventId).returns(Types.STRING)
                .union(parsed.getSideOutput(DeadLetters.TAG)
                        .map(d -> d.reason + " " + d.offset).returns(Types.STRING));
        List<String> out = new ArrayList<>();
        try (CloseableIterator<String> it = all.executeAndCollect()) {
            it.forEachRemaining(out::add);
        }
        assertThat(out).containsExactlyInAnyOrder("ok v1", "MALFORMED_JSON 1", "ok v2", "LATE null");
    }
}
