package io.tally.kpi;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.tally.kpi.KpiFixtures.HOUR;
import static io.tally.kpi.KpiFixtures.MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * gmvShare of CREATOR, TIER and FORMAT records (CONTRACT section 4) and of NICHE and MATCH records (section 8):
 * attributedGmv / attributedGmv of ALL in the same window.
 */
class GmvShareTest {
    private KeyedOneInputStreamOperatorTestHarness<String, Kpi, Kpi> h;

    @BeforeEach
    void open() throws Exception {
        h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(new GmvShare(), GmvShare::keyOf, Types.STRING);
    }

    @AfterEach
    void close() throws Exception {
        h.close();
    }

    private static Kpi record(String dimension, String key, long size, boolean isFinal, long attributedGmvCents) {
        Kpi k = KpiMath.derive(KpiMath.empty(dimension, key, 0, size), isFinal, null);
        k.attributedGmvCents = attributedGmvCents;
        return k;
    }

    private void in(Kpi k) throws Exception {
        h.processElement(k, k.windowStart);
    }

    private List<Kpi> written() {
        List<Kpi> out = new ArrayList<>(h.extractOutputValues());
        h.getOutput().clear();
        return out;
    }

    @Test
    void finalRecordsWithAShareWaitForTheWatermarkAndGetTheirShareOfAll() throws Exception {
        in(record("CREATOR", "c1", MINUTE, true, 250));
        in(record("TIER", "MID", MINUTE, true, 500));
        in(record("FORMAT", "REVIEW", MINUTE, true, 1_000));
        assertThat(written()).isEmpty();

        in(record("MERCHANT", "m1", MINUTE, true, 600));
        in(record("CONTENT", "v1", MINUTE, true, 250));
        in(record("PRODUCT", "p1", MINUTE, true, 250));
        in(record("ALL", "*", MINUTE, true, 1_000));
        assertThat(written()).extracting(k -> k.dimension + "=" + k.gmvShare)
                .containsExactly("MERCHANT=null", "CONTENT=null", "PRODUCT=null", "ALL=null");

        h.processWatermark(new Watermark(MINUTE - 2));
        assertThat(written()).isEmpty();
        h.processWatermark(new Watermark(MINUTE - 1));
        List<Object> out = new ArrayList<>(h.getOutput());
        assertThat(out).hasSize(4);
        assertThat(out.get(3)).as("the shares go out before the watermark").isEqualTo(new Watermark(MINUTE - 1));
        assertThat(written()).extracting(k -> k.dimension + "=" + k.gmvShare)
                .containsExactlyInAnyOrder("CREATOR=0.25", "TIER=0.5", "FORMAT=1.0");
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void nicheAndMatchRecordsGetTheirShareLikeCreatorsButCategoryRecordsDoNot() throws Exception {
        in(record("NICHE", "BEAUTY", MINUTE, true, 300));
        in(record("MATCH", "BEAUTY|SKINCARE", MINUTE, true, 200));
        assertThat(written()).as("waiting for the window's end").isEmpty();
        in(record("CATEGORY", "SKINCARE", MINUTE, true, 200));
        in(record("ALL", "*", MINUTE, true, 800));
        assertThat(written()).extracting(k -> k.dimension + "=" + k.gmvShare)
                .containsExactly("CATEGORY=null", "ALL=null");

        h.processWatermark(new Watermark(MINUTE - 1));
        assertThat(written()).extracting(k -> k.dimension + "=" + k.gmvShare)
                .containsExactlyInAnyOrder("NICHE=0.375", "MATCH=0.25");
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();

        in(record("NICHE", "FITNESS", 2 * MINUTE, false, 100));
        assertThat(written()).extracting(k -> k.dimension + "=" + k.gmvShare).containsExactly("NICHE=null");
    }

    @Test
    void theShareIsNullWhenAllHasNoAttributedGmv() throws Exception {
        in(record("ALL", "*", MINUTE, true, 0));
        in(record("CREATOR", "c1", MINUTE, true, 0));
        in(record("TIER", "UNKNOWN", MINUTE, true, 0));
        h.processWatermark(new Watermark(MINUTE - 1));
        assertThat(written()).filteredOn(k -> !k.dimension.equals("ALL"))
                .hasSize(2).allSatisfy(k -> assertThat(k.gmvShare).isNull());
    }

    @Test
    void updatesOfOpenWindowsUseTheLatestAllValueSeenAndPassStraightThrough() throws Exception {
        in(record("CREATOR", "c1", MINUTE, false, 100));
        in(record("ALL", "*", MINUTE, false, 400));
        in(record("CREATOR", "c1", MINUTE, false, 100));
        in(record("ALL", "*", MINUTE, false, 800));
        in(record("FORMAT", "REVIEW", MINUTE, false, 100));
        assertThat(written()).extracting(k -> k.dimension + "=" + k.gmvShare).containsExactly(
                "CREATOR=null", "ALL=null", "CREATOR=0.25", "ALL=null", "FORMAT=0.125");
    }

    @Test
    void windowsOfDifferentSizesHaveTheirOwnAllRecord() throws Exception {
        in(record("ALL", "*", MINUTE, true, 1_000));
        in(record("ALL", "*", HOUR, true, 4_000));
        in(record("CREATOR", "c1", MINUTE, true, 500));
        in(record("CREATOR", "c1", HOUR, true, 500));
        written();
        h.processWatermark(new Watermark(MINUTE - 1));
        assertThat(written()).singleElement().satisfies(k -> {
            assertThat(k.windowEnd).isEqualTo(MINUTE);
            assertThat(k.gmvShare).isEqualTo(0.5);
        });
        h.processWatermark(new Watermark(HOUR - 1));
        assertThat(written()).singleElement().satisfies(k -> {
            assertThat(k.windowEnd).isEqualTo(HOUR);
            assertThat(k.gmvShare).isEqualTo(0.125);
        });
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void stateIsClearedWhenAWindowWithoutSharesCloses() throws Exception {
        in(record("ALL", "*", MINUTE, false, 300));
        in(record("ALL", "*", MINUTE, true, 300));
        in(record("MERCHANT", "m1", MINUTE, true, 300));
        assertThat(h.numKeyedStateEntries()).isPositive();
        h.processWatermark(new Watermark(MINUTE - 1));
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }
}
