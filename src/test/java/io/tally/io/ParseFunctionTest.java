package io.tally.io;

import io.tally.event.ContentType;
import io.tally.event.Order;
import io.tally.event.Stream;
import io.tally.event.View;
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

class ParseFunctionTest {
    private static final long BOUND = 5_000;

    private final List<OneInputStreamOperatorTestHarness<?, ?>> harnesses = new ArrayList<>();

    @AfterEach
    void closeHarnesses() throws Exception {
        for (OneInputStreamOperatorTestHarness<?, ?> h : harnesses) h.close();
    }

    private OneInputStreamOperatorTestHarness<RawRecord, View> views() throws Exception {
        OneInputStreamOperatorTestHarness<RawRecord, View> h =
                ProcessFunctionTestHarnesses.forProcessFunction(new ParseFunction<>(Stream.VIEWS, View.class, BOUND));
        harnesses.add(h);
        return h;
    }

    /** A harness that is set up but not yet opened, so that state can be restored into it first. */
    private OneInputStreamOperatorTestHarness<RawRecord, View> unopenedViews(MockEnvironment env) throws Exception {
        ProcessOperator<RawRecord, View> op = new ProcessOperator<>(new ParseFunction<>(Stream.VIEWS, View.class, BOUND));
        OneInputStreamOperatorTestHarness<RawRecord, View> h = env == null
                ? new OneInputStreamOperatorTestHarness<>(op) : new OneInputStreamOperatorTestHarness<>(op, env);
        harnesses.add(h);
        return h;
    }

    static String viewJson(String eventId, long ts) {
        return "{\"eventId\":\"" + eventId + "\",\"ts\":" + ts + ",\"userId\":\"u1\",\"creatorId\":\"c1\","
                + "\"contentId\":\"k1\",\"contentType\":\"VIDEO\"}";
    }

    static RawRecord kafka(String json, int partition, long offset) {
        return new RawRecord(json.getBytes(StandardCharsets.UTF_8), "tally.views", partition, offset);
    }

    static RawRecord line(String json) {
        return RawRecord.ofLine(json.getBytes(StandardCharsets.UTF_8));
    }

    static List<DeadLetter> deadLetters(OneInputStreamOperatorTestHarness<RawRecord, ?> h) {
        var side = h.getSideOutput(ParseFunction.DEAD_LETTERS);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    static List<String> eventIds(OneInputStreamOperatorTestHarness<RawRecord, View> h) {
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
        assertThat(ParseFunction.payload(new byte[] {'{', (byte) 0xff, '}'})).isEqualTo("{\uFFFD}");
        assertThat(ParseFunction.payload(null)).isNull();
        String emoji = "x" + "\uD83D\uDE00".repeat(6_000);  // the pair at chars 9999-10000 straddles the cut
        String cut = ParseFunction.payload(emoji.getBytes(StandardCharsets.UTF_8));
        assertThat(cut).hasSize(DeadLetter.MAX_PAYLOAD_CHARS - 1).isEqualTo(emoji.substring(0, DeadLetter.MAX_PAYLOAD_CHARS - 1));
        byte[] ascii = "a".repeat(100_000).getBytes(StandardCharsets.UTF_8);
        assertThat(ParseFunction.payload(ascii)).hasSize(DeadLetter.MAX_PAYLOAD_CHARS);
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
                "ts 2999 is 5001 ms behind the stream's greatest ts 8000 (bound 5000 ms)",
                "ts 3999 is 5001 ms behind the stream's greatest ts 9000 (bound 5000 ms)");
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

        var after = unopenedViews(null);
        after.initializeState(snapshot);
        after.open();
        after.processElement(kafka(viewJson("late", 2_999), 0, 2), 0);
        after.processElement(kafka(viewJson("onTime", 3_000), 0, 3), 0);
        assertThat(eventIds(after)).containsExactly("onTime");
        assertThat(deadLetters(after)).singleElement().satisfies(d -> {
            assertThat(d.reason).isEqualTo(DeadLetterReason.LATE);
            assertThat(d.detail).contains("greatest ts 8000");
        });
    }

    @Test
    void restoringSeveralInstancesStateKeepsTheirMaximum() throws Exception {
        var one = views();
        one.processElement(kafka(viewJson("a", 8_000), 0, 0), 0);
        var two = views();
        two.processElement(kafka(viewJson("b", 20_000), 1, 0), 0);
        var empty = views();
        OperatorSubtaskState merged = AbstractStreamOperatorTestHarness.repackageState(
                one.snapshot(1L, 1L), two.snapshot(1L, 1L), empty.snapshot(1L, 1L));

        var restored = unopenedViews(null);
        restored.initializeState(merged);
        restored.open();
        restored.processElement(kafka(viewJson("late", 14_999), 0, 1), 0);
        restored.processElement(kafka(viewJson("onTime", 15_000), 0, 2), 0);
        assertThat(eventIds(restored)).containsExactly("onTime");
    }

    @Test
    void nothingSeenNothingLate() throws Exception {
        var fresh = views();
        OperatorSubtaskState snapshot = fresh.snapshot(1L, 1L);
        var restored = unopenedViews(null);
        restored.initializeState(snapshot);
        restored.open();
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
        assertThatThrownBy(() -> new ParseFunction<>(Stream.VIEWS, Order.class, BOUND))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("views holds View, not Order");
        assertThatThrownBy(() -> new ParseFunction<>(Stream.ALERTS, Object.class, BOUND))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an input stream");
        assertThatThrownBy(() -> new ParseFunction<>(Stream.VIEWS, View.class, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void applyNamesTheOperatorAndRunsInAJob() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        DataStream<RawRecord> raw = env.fromData(
                kafka(viewJson("v1", 1_000), 0, 0), kafka("{oops", 0, 1), line(viewJson("v2", 20_000)),
                line(viewJson("v3", 10)));
        SingleOutputStreamOperator<View> parsed = ParseFunction.apply(raw, Stream.VIEWS, View.class, BOUND);
        assertThat(parsed.getTransformation().getUid()).isEqualTo("parse-views");
        assertThat(parsed.getName()).isEqualTo("Parse views");
        assertThat(parsed.getType()).isInstanceOf(PojoTypeInfo.class);
        assertThat(parsed.getSideOutput(ParseFunction.DEAD_LETTERS).getType()).isInstanceOf(PojoTypeInfo.class);

        DataStream<String> all = parsed.map(v -> "ok " + v.eventId).returns(Types.STRING)
                .union(parsed.getSideOutput(ParseFunction.DEAD_LETTERS)
                        .map(d -> d.reason + " " + d.offset).returns(Types.STRING));
        List<String> out = new ArrayList<>();
        try (CloseableIterator<String> it = all.executeAndCollect()) {
            it.forEachRemaining(out::add);
        }
        assertThat(out).containsExactlyInAnyOrder("ok v1", "MALFORMED_JSON 1", "ok v2", "LATE null");
    }
}
