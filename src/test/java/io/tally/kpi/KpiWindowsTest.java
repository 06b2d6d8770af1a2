package io.tally.kpi;

import io.tally.event.Product;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

import static io.tally.kpi.KpiFixtures.HOUR;
import static io.tally.kpi.KpiFixtures.MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The keyed window stage: sums of partials, non-final updates at most once per update interval and only when changed,
 * one final record when the watermark passes windowEnd - 1, stock from product versions, and no state left behind.
 */
class KpiWindowsTest {
    private static final long INTERVAL = 10_000;

    private KpiWindows windows;
    private KeyedTwoInputStreamOperatorTestHarness<String, Kpi, Product, Kpi> h;

    @BeforeEach
    void open() throws Exception {
        windows = new KpiWindows(INTERVAL);
        h = ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(windows,
                (Kpi k) -> KpiWindows.keyOf(k), (Product p) -> KpiWindows.keyOf(p), Types.STRING);
        h.setProcessingTime(0);
    }

    @AfterEach
    void close() throws Exception {
        h.close();
    }

    private static Kpi views(String dimension, String key, long windowStart, long size, long views) {
        Kpi k = KpiMath.empty(dimension, key, windowStart, windowStart + size);
        k.views = views;
        return k;
    }

    private void partial(Kpi k) throws Exception {
        h.processElement1(k, k.windowStart);
    }

    private void product(String productId, long ts, Long stock) throws Exception {
        h.processElement2(new Product(productId, ts, "m1", null, null, null, stock), ts);
    }

    private void watermark(long ts) throws Exception {
        h.processBothWatermarks(new Watermark(ts));
    }

    /** The records written since the last call. */
    private List<Kpi> written() {
        List<Kpi> out = new ArrayList<>(h.extractOutputValues());
        h.getOutput().clear();
        return out;
    }

    private long lateContributions() throws Exception {
        // The harness gives the function an unregistered metric group: read the counter the function holds.
        Field f = KpiWindows.class.getDeclaredField("lateContributions");
        f.setAccessible(true);
        return ((Counter) f.get(windows)).getCount();
    }

    @Test
    void partialsWithinOneIntervalMakeOneNonFinalRecordWhenTheTimerFires() throws Exception {
        partial(views("CREATOR", "c1", 0, MINUTE, 1));
        h.setProcessingTime(5_000);
        partial(views("CREATOR", "c1", 0, MINUTE, 2));
        assertThat(written()).isEmpty();
        assertThat(h.numProcessingTimeTimers()).isEqualTo(1);

        h.setProcessingTime(INTERVAL - 1);
        assertThat(written()).isEmpty();
        h.setProcessingTime(INTERVAL);
        List<Kpi> update = written();
        assertThat(update).hasSize(1);
        Kpi k = update.get(0);
        assertThat(k.isFinal).isFalse();
        assertThat(k.kafkaKey()).isEqualTo("CREATOR|c1|0|60000");
        assertThat(k.views).isEqualTo(3);
        assertThat(k.engagementRate).isEqualTo(0.0); // derived metrics are filled in updates too
        assertThat(k.stock).isNull();
    }

    @Test
    void noRecordWhenNothingChangedAndTheNextChangeWaitsAFullInterval() throws Exception {
        partial(views("CREATOR", "c1", 0, MINUTE, 1));
        h.setProcessingTime(INTERVAL);
        assertThat(written()).hasSize(1);

        h.setProcessingTime(3 * INTERVAL);
        assertThat(written()).isEmpty();
        assertThat(h.numProcessingTimeTimers()).isZero();

        h.setProcessingTime(3 * INTERVAL + 1_000);
        partial(views("CREATOR", "c1", 0, MINUTE, 1));
        h.setProcessingTime(4 * INTERVAL + 999);
        assertThat(written()).isEmpty();
        h.setProcessingTime(4 * INTERVAL + 1_000);
        assertThat(written()).singleElement().satisfies(k -> assertThat(k.views).isEqualTo(2));
    }

    @Test
    void anUpdateRewritesOnlyTheWindowsThatChanged() throws Exception {
        partial(views("CREATOR", "c1", 0, MINUTE, 1));
        partial(views("CREATOR", "c1", 0, HOUR, 1));
        partial(views("CREATOR", "c2", 0, MINUTE, 1));
        h.setProcessingTime(INTERVAL);
        assertThat(written()).extracting(Kpi::kafkaKey).containsExactlyInAnyOrder(
                "CREATOR|c1|0|60000", "CREATOR|c1|0|3600000", "CREATOR|c2|0|60000");

        partial(views("CREATOR", "c1", 0, HOUR, 5));
        h.setProcessingTime(2 * INTERVAL);
        assertThat(written()).singleElement().satisfies(k -> {
            assertThat(k.kafkaKey()).isEqualTo("CREATOR|c1|0|3600000");
            assertThat(k.views).isEqualTo(6);
        });
    }

    @Test
    void exactlyOneFinalRecordPerWindowOnceTheWatermarkPassesItsEnd() throws Exception {
        partial(views("CREATOR", "c1", 0, MINUTE, 1));
        partial(views("CREATOR", "c1", 0, HOUR, 1));
        partial(views("CREATOR", "c1", 0, MINUTE, 2));
        partial(views("CREATOR", "c1", MINUTE, MINUTE, 4));
        partial(views("CREATOR", "c1", 0, HOUR, 4));

        watermark(MINUTE - 2);
        assertThat(written()).isEmpty();
        watermark(MINUTE - 1);
        assertThat(written()).singleElement().satisfies(k -> {
            assertThat(k.kafkaKey()).isEqualTo("CREATOR|c1|0|60000");
            assertThat(k.isFinal).isTrue();
            assertThat(k.views).isEqualTo(3);
        });
        watermark(2 * MINUTE - 1);
        assertThat(written()).singleElement().satisfies(k -> {
            assertThat(k.kafkaKey()).isEqualTo("CREATOR|c1|60000|120000");
            assertThat(k.isFinal).isTrue();
            assertThat(k.views).isEqualTo(4);
        });
        h.setProcessingTime(INTERVAL); // the pending update of the still open hour
        assertThat(written()).singleElement().satisfies(k -> {
            assertThat(k.kafkaKey()).isEqualTo("CREATOR|c1|0|3600000");
            assertThat(k.isFinal).isFalse();
        });
        watermark(HOUR * 5);
        assertThat(written()).singleElement().satisfies(k -> {
            assertThat(k.kafkaKey()).isEqualTo("CREATOR|c1|0|3600000");
            assertThat(k.isFinal).isTrue();
            assertThat(k.views).isEqualTo(5);
        });
        watermark(HOUR * 6);
        h.setProcessingTime(10 * INTERVAL);
        assertThat(written()).isEmpty();
    }

    @Test
    void theFinalRecordIsWrittenBeforeTheWatermarkIsForwarded() throws Exception {
        partial(views("ALL", "*", 0, MINUTE, 1));
        h.getOutput().clear();
        watermark(MINUTE - 1);
        List<Object> out = new ArrayList<>(h.getOutput());
        assertThat(out).hasSize(2);
        assertThat(out.get(1)).isEqualTo(new Watermark(MINUTE - 1));
    }

    @Test
    void stateAndTimersAreGoneAfterTheFinalRecord() throws Exception {
        partial(views("CREATOR", "c1", 0, MINUTE, 1));
        partial(views("CREATOR", "c1", 0, HOUR, 1));
        partial(views("FORMAT", "REVIEW", 0, MINUTE, 1));
        assertThat(h.numKeyedStateEntries()).isPositive();
        assertThat(h.numEventTimeTimers()).isEqualTo(3);
        assertThat(h.numProcessingTimeTimers()).isEqualTo(2);

        watermark(HOUR - 1);
        assertThat(written()).hasSize(3).allSatisfy(k -> assertThat(k.isFinal).isTrue());
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(h.numProcessingTimeTimers()).as("the pending update is cancelled").isZero();
        h.setProcessingTime(INTERVAL);
        assertThat(written()).isEmpty();
    }

    /**
     * A PRODUCT key keeps one state entry after its windows closed: the product version in force at the watermark,
     * which later windows of the product need for their stock. It is replaced, never accumulated.
     */
    @Test
    void aProductKeyKeepsOnlyTheVersionInForceAfterItsFinalRecords() throws Exception {
        product("p1", 0, 5L);
        product("p1", 10_000, 6L);
        product("p1", 20_000, 7L);
        partial(views("PRODUCT", "p1", 0, MINUTE, 1));
        watermark(MINUTE - 1);
        assertThat(written()).singleElement().satisfies(k -> assertThat(k.stock).isEqualTo(7L));

        assertThat(h.numKeyedStateEntries()).isEqualTo(1);
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(h.numProcessingTimeTimers()).isZero();

        // The kept version still gives the stock of a later window.
        partial(views("PRODUCT", "p1", 5 * MINUTE, MINUTE, 1));
        watermark(6 * MINUTE - 1);
        assertThat(written()).singleElement().satisfies(k -> assertThat(k.stock).isEqualTo(7L));
    }

    @Test
    void stockIsFromTheProductVersionWithTheGreatestTsBeforeTheWindowEnd() throws Exception {
        partial(views("PRODUCT", "p1", 0, MINUTE, 1));
        partial(views("PRODUCT", "p1", MINUTE, MINUTE, 1));
        partial(views("PRODUCT", "p1", 2 * MINUTE, MINUTE, 1));
        partial(views("PRODUCT", "p2", 0, MINUTE, 1));
        partial(views("CREATOR", "p1", 0, MINUTE, 1));
        // Versions arrive after the partials but before the watermark; one at exactly the window end.
        product("p1", 0, 5L);
        product("p1", MINUTE - 1, 7L);
        product("p1", MINUTE, 9L);
        product("p1", 2 * MINUTE + 30_000, null); // in force at the third window's end, without a stock

        h.setProcessingTime(INTERVAL);
        assertThat(written()).filteredOn(k -> k.kafkaKey().equals("PRODUCT|p1|0|60000"))
                .singleElement().satisfies(k -> assertThat(k.stock).isEqualTo(7L));

        watermark(MINUTE - 1);
        assertThat(written()).extracting(k -> k.kafkaKey() + "=" + k.stock).containsExactlyInAnyOrder(
                "PRODUCT|p1|0|60000=7", "PRODUCT|p2|0|60000=null", "CREATOR|p1|0|60000=null");
        watermark(2 * MINUTE - 1);
        assertThat(written()).singleElement().satisfies(k -> assertThat(k.stock).isEqualTo(9L));
        watermark(3 * MINUTE - 1);
        assertThat(written()).singleElement().satisfies(k -> assertThat(k.stock).isNull());
    }

    @Test
    void aPartialForAClosedWindowIsDroppedAndCounted() throws Exception {
        partial(views("CREATOR", "c1", 0, MINUTE, 1));
        watermark(MINUTE - 1);
        assertThat(written()).hasSize(1);
        assertThat(lateContributions()).isZero();

        partial(views("CREATOR", "c1", 0, MINUTE, 1));
        partial(views("CREATOR", "c9", 0, MINUTE, 1));
        h.setProcessingTime(5 * INTERVAL);
        watermark(HOUR);
        assertThat(written()).isEmpty();
        assertThat(lateContributions()).isEqualTo(2);
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(h.numProcessingTimeTimers()).isZero();

        // A window that is still open takes partials as before.
        partial(views("CREATOR", "c1", MINUTE * 60, MINUTE, 1));
        watermark(MINUTE * 61 - 1);
        assertThat(written()).singleElement().satisfies(k -> assertThat(k.isFinal).isTrue());
    }
}
