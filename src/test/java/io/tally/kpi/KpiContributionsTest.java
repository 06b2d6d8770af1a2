package io.tally.kpi;

import io.tally.attribution.Attribution;
import io.tally.event.Dimension;
import io.tally.event.EngagementKind;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static io.tally.kpi.KpiFixtures.DAY;
import static io.tally.kpi.KpiFixtures.HOUR;
import static io.tally.kpi.KpiFixtures.MINUTE;
import static io.tally.kpi.KpiFixtures.base;
import static io.tally.kpi.KpiFixtures.click;
import static io.tally.kpi.KpiFixtures.creditOf;
import static io.tally.kpi.KpiFixtures.credited;
import static io.tally.kpi.KpiFixtures.engagement;
import static io.tally.kpi.KpiFixtures.only;
import static io.tally.kpi.KpiFixtures.organic;
import static io.tally.kpi.KpiFixtures.reversal;
import static io.tally.kpi.KpiFixtures.review;
import static io.tally.kpi.KpiFixtures.spend;
import static io.tally.kpi.KpiFixtures.view;
import static org.assertj.core.api.Assertions.assertThat;

/** CONTRACT sections 4 and 8, the table "event / adds to / keys" and its v1.2 additions: exactly these keys and metrics, nothing else. */
class KpiContributionsTest {
    /** One window size, so that a record is named by dimension|key. */
    private final KpiContributions oneMinute = new KpiContributions(new long[] {MINUTE});

    /** The drained partials of one window size by dimension|key, as base metrics. */
    private static Map<String, Map<String, Double>> drainByKey(KpiContributions c) {
        List<Kpi> partials = c.drain();
        Map<String, Map<String, Double>> byKey = new TreeMap<>();
        for (Kpi k : partials) {
            assertThat(k.isFinal).isFalse();
            assertThat(byKey.put(k.dimension + "|" + k.key, base(k))).as("one partial per key").isNull();
        }
        return byKey;
    }

    private static Map<String, Map<String, Double>> expected(Object... keyMetrics) {
        Map<String, Map<String, Double>> m = new TreeMap<>();
        for (int i = 0; i < keyMetrics.length; i += 2) {
            @SuppressWarnings("unchecked")
            Map<String, Double> metrics = (Map<String, Double>) keyMetrics[i + 1];
            m.put((String) keyMetrics[i], metrics);
        }
        return m;
    }

    @Test
    void aViewCountsAtItsContentKeysAndOnceAtEachDistinctProductNeverAtItsMerchant() {
        oneMinute.add(KpiInput.of(view("e1", 1_000, "c1", "v1", "REVIEW", "p1", "p2", "p1")), "MID");

        Map<String, Double> oneView = only("views", 1);
        assertThat(drainByKey(oneMinute)).isEqualTo(expected(
                "ALL|*", oneView, "CREATOR|c1", oneView, "CONTENT|v1", oneView, "TIER|MID", oneView,
                "FORMAT|REVIEW", oneView, "PRODUCT|p1", oneView, "PRODUCT|p2", oneView, "NICHE|UNKNOWN", oneView));
    }

    @Test
    void aViewWithoutProductsHasNoProductKeyAndViewsAreSummedNotDistinct() {
        oneMinute.add(KpiInput.of(view("e1", 1_000, "c1", "v1", "OTHER")), "UNKNOWN");
        oneMinute.add(KpiInput.of(view("e2", 2_000, "c1", "v1", "OTHER")), "UNKNOWN");

        Map<String, Double> twoViews = only("views", 2);
        assertThat(drainByKey(oneMinute)).isEqualTo(expected(
                "ALL|*", twoViews, "CREATOR|c1", twoViews, "CONTENT|v1", twoViews, "TIER|UNKNOWN", twoViews,
                "FORMAT|OTHER", twoViews, "NICHE|UNKNOWN", twoViews));
    }

    @Test
    void eachEngagementKindAddsToItsOwnCountAtTheContentKeys() {
        oneMinute.add(KpiInput.of(engagement("e1", 1_000, EngagementKind.LIKE, "c1", "v1", "HUMOR")), "NANO");
        oneMinute.add(KpiInput.of(engagement("e2", 1_000, EngagementKind.LIKE, "c1", "v1", "HUMOR")), "NANO");
        oneMinute.add(KpiInput.of(engagement("e3", 1_000, EngagementKind.COMMENT, "c1", "v1", "HUMOR")), "NANO");
        oneMinute.add(KpiInput.of(engagement("e4", 1_000, EngagementKind.SHARE, "c1", "v1", "HUMOR")), "NANO");

        Map<String, Double> m = only("likes", 2, "comments", 1, "shares", 1);
        assertThat(drainByKey(oneMinute)).isEqualTo(expected(
                "ALL|*", m, "CREATOR|c1", m, "CONTENT|v1", m, "TIER|NANO", m, "FORMAT|HUMOR", m));
    }

    @Test
    void aClickCountsAtAllTenDimensionsWithUnknownNicheAndCategoryWithoutReferenceData() {
        oneMinute.add(KpiInput.of(click("k1", 1_000, "c1", "v1", "TUTORIAL", "p1", "m1")), "MEGA");

        Map<String, Double> oneClick = only("clicks", 1);
        assertThat(drainByKey(oneMinute)).isEqualTo(expected(
                "ALL|*", oneClick, "MERCHANT|m1", oneClick, "CREATOR|c1", oneClick, "CONTENT|v1", oneClick,
                "PRODUCT|p1", oneClick, "TIER|MEGA", oneClick, "FORMAT|TUTORIAL", oneClick,
                "CATEGORY|UNKNOWN", oneClick, "NICHE|UNKNOWN", oneClick, "MATCH|UNKNOWN|UNKNOWN", oneClick));
    }

    @Test
    void spendCountsAtAllMerchantCreatorAndTheCreatorsTier() {
        oneMinute.add(KpiInput.of(spend("s1", 1_000, "m1", "c1", 12_345)), "MACRO");
        oneMinute.add(KpiInput.of(spend("s2", 1_500, "m2", "c1", 5)), "MACRO");

        assertThat(drainByKey(oneMinute)).isEqualTo(expected(
                "ALL|*", only("spend", 12_350), "MERCHANT|m1", only("spend", 12_345), "MERCHANT|m2", only("spend", 5),
                "CREATOR|c1", only("spend", 12_350), "TIER|MACRO", only("spend", 12_350)));
    }

    @Test
    void anOrganicLineCountsAtAllMerchantAndProductOnlyWithoutAttributedMetricsOrMargin() {
        Attribution line = organic("o1", "l1", 1_000, "m1", "p1", 2, 2_000, true);
        line.marginCents = 500L; // known, but margin sums attributed lines only (README)
        oneMinute.add(KpiInput.of(line), (String) null);

        Map<String, Double> m = only("units", 2, "gmv", 2_000, "orders", 1, "newCustomerOrders", 1);
        assertThat(drainByKey(oneMinute)).isEqualTo(expected("ALL|*", m, "MERCHANT|m1", m, "PRODUCT|p1", m));
    }

    @Test
    void aClickAttributedLineCountsAtAllTenDimensions() {
        oneMinute.add(KpiInput.of(credited("o1", "l1", 1_000, "m1", "p1", 2, 2_000, false,
                "c1", "v1", "REVIEW", "MID", 1.0, 2_000, 200, 800L)), (String) null);

        Map<String, Double> m = only("units", 2, "gmv", 2_000, "orders", 1, "attributedOrders", 1,
                "attributedGmv", 2_000, "commission", 200, "margin", 800);
        assertThat(drainByKey(oneMinute)).isEqualTo(expected(
                "ALL|*", m, "MERCHANT|m1", m, "PRODUCT|p1", m, "CREATOR|c1", m, "CONTENT|v1", m, "TIER|MID", m,
                "FORMAT|REVIEW", m, "CATEGORY|UNKNOWN", m, "NICHE|UNKNOWN", m, "MATCH|UNKNOWN|UNKNOWN", m));
    }

    @Test
    void aViewThroughLineIsAttributedLikeAClick() {
        Attribution a = credited("o1", "l1", 1_000, "m1", "p1", 1, 900, true, "c1", "v1", "REVIEW", "MID", 1.0,
                900, 0, null);
        a.touch = io.tally.attribution.Touch.VIEW;
        oneMinute.add(KpiInput.of(a), (String) null);

        Map<String, Double> m = only("units", 1, "gmv", 900, "orders", 1, "newCustomerOrders", 1,
                "attributedOrders", 1, "attributedGmv", 900);
        assertThat(drainByKey(oneMinute)).isEqualTo(expected(
                "ALL|*", m, "MERCHANT|m1", m, "PRODUCT|p1", m, "CREATOR|c1", m, "CONTENT|v1", m, "TIER|MID", m,
                "FORMAT|REVIEW", m, "CATEGORY|UNKNOWN", m, "NICHE|UNKNOWN", m, "MATCH|UNKNOWN|UNKNOWN", m));
    }

    /**
     * One order: l1 (p1, 3 units) credited LINEAR to three touches (c1/v1, c1/v2, c2/v3), l2 (p1 again) organic with
     * a known margin, l3 (p2) credited to c2/v3 with an unknown margin. Lines count their lineAmount once at ALL,
     * MERCHANT and PRODUCT; creator-side keys count amounts; orders and attributedOrders are distinct.
     */
    @Test
    void aMultiLineMultiCreditOrderCountsOnceAndGmvOncePerLine() {
        double third = 1.0 / 3;
        add(credited("o1", "l1", 1_000, "m1", "p1", 3, 1_000, false, "c1", "v1", "REVIEW", "MID", third, 333, 33, 100L));
        add(credited("o1", "l1", 1_000, "m1", "p1", 3, 1_000, false, "c1", "v2", "HUMOR", "MID", third, 333, 33, 100L));
        add(credited("o1", "l1", 1_000, "m1", "p1", 3, 1_000, false, "c2", "v3", "REVIEW", "NANO", third, 334, 34, 100L));
        Attribution l2 = organic("o1", "l2", 1_000, "m1", "p1", 1, 500, false);
        l2.marginCents = 50L;
        add(l2);
        add(credited("o1", "l3", 1_000, "m1", "p2", 1, 700, false, "c2", "v3", "REVIEW", "NANO", 1.0, 700, 70, null));

        Map<String, Double> all = only("units", 5, "gmv", 2_200, "orders", 1, "attributedOrders", 1,
                "attributedGmv", 1_700, "commission", 170, "margin", 300);
        Map<String, Double> c1 = only("units", 2, "gmv", 666, "orders", 1, "attributedOrders", 1,
                "attributedGmv", 666, "commission", 66, "margin", 200);
        Map<String, Double> c2 = only("units", 2, "gmv", 1_034, "orders", 1, "attributedOrders", 1,
                "attributedGmv", 1_034, "commission", 104, "margin", 100);
        // CATEGORY, NICHE and MATCH (no reference data: UNKNOWN) take every credited share, like CREATOR.
        Map<String, Double> attributed = only("units", 4, "gmv", 1_700, "orders", 1, "attributedOrders", 1,
                "attributedGmv", 1_700, "commission", 170, "margin", 300);
        Map<String, Double> oneThird = only("units", 1, "gmv", 333, "orders", 1, "attributedOrders", 1,
                "attributedGmv", 333, "commission", 33, "margin", 100);
        assertThat(drainByKey(oneMinute)).isEqualTo(expected(
                "ALL|*", all,
                "MERCHANT|m1", all,
                "PRODUCT|p1", only("units", 4, "gmv", 1_500, "orders", 1, "attributedOrders", 1,
                        "attributedGmv", 1_000, "commission", 100, "margin", 300),
                "PRODUCT|p2", only("units", 1, "gmv", 700, "orders", 1, "attributedOrders", 1,
                        "attributedGmv", 700, "commission", 70),
                "CREATOR|c1", c1,
                "CREATOR|c2", c2,
                "CONTENT|v1", oneThird,
                "CONTENT|v2", oneThird,
                "CONTENT|v3", c2,
                "TIER|MID", c1,
                "TIER|NANO", c2,
                "FORMAT|REVIEW", only("units", 3, "gmv", 1_367, "orders", 1, "attributedOrders", 1,
                        "attributedGmv", 1_367, "commission", 137, "margin", 200),
                "FORMAT|HUMOR", oneThird,
                "CATEGORY|UNKNOWN", attributed, "NICHE|UNKNOWN", attributed, "MATCH|UNKNOWN|UNKNOWN", attributed));
    }

    @Test
    void ordersNewCustomerOrdersAndAttributedOrdersAreDistinctPerRecord() {
        add(credited("o1", "l1", 1_000, "m1", "p1", 1, 100, true, "c1", "v1", "REVIEW", "MID", 1.0, 100, 10, null));
        add(credited("o1", "l2", 1_000, "m1", "p1", 1, 100, true, "c1", "v1", "REVIEW", "MID", 1.0, 100, 10, null));
        add(credited("o2", "l1", 2_000, "m1", "p1", 1, 100, false, "c1", "v1", "REVIEW", "MID", 1.0, 100, 10, null));
        add(organic("o3", "l1", 3_000, "m1", "p1", 1, 100, true));
        add(organic("o3", "l2", 3_000, "m1", "p1", 1, 100, true));
        add(organic("o4", "l1", 3_000, "m2", "p2", 1, 100, false));

        Map<String, Map<String, Double>> got = drainByKey(oneMinute);
        assertThat(got.get("ALL|*")).containsEntry("orders", 4.0).containsEntry("newCustomerOrders", 2.0)
                .containsEntry("attributedOrders", 2.0).containsEntry("gmv", 600.0);
        assertThat(got.get("MERCHANT|m1")).containsEntry("orders", 3.0).containsEntry("newCustomerOrders", 2.0)
                .containsEntry("attributedOrders", 2.0);
        assertThat(got.get("PRODUCT|p1")).containsEntry("orders", 3.0).containsEntry("attributedOrders", 2.0);
        assertThat(got.get("CREATOR|c1")).containsEntry("orders", 2.0).containsEntry("newCustomerOrders", 1.0)
                .containsEntry("attributedOrders", 2.0).containsEntry("gmv", 300.0);
    }

    /**
     * Line l1 (p1, 1000) credited half each to c1/v1 and c2/v3 is refunded 400 (x1) then cancelled (x2); organic line
     * l2 (p2) is refunded 100 (x3). Reversals count in the window of their own ts, at the keys of the reversed line,
     * each update once per record however many credit records it reverses.
     */
    @Test
    void reversalsCountDistinctUpdatesRefundedAmountAndNegativeCommissionAtTheReversedLinesKeys() {
        Attribution half1 = credited("o1", "l1", 1_000, "m1", "p1", 2, 1_000, true, "c1", "v1", "REVIEW", "MID",
                0.5, 500, 50, 100L);
        Attribution half2 = credited("o1", "l1", 1_000, "m1", "p1", 2, 1_000, true, "c2", "v3", "REVIEW", "NANO",
                0.5, 500, 50, 100L);
        Attribution l2 = organic("o1", "l2", 1_000, "m1", "p2", 1, 300, true);
        add(reversal(half1, "x1", 70_000, 200, 20));
        add(reversal(half2, "x1", 70_000, 200, 20));
        add(reversal(half1, "x2", 70_500, 300, 30));
        add(reversal(half2, "x2", 70_500, 300, 30));
        add(reversal(l2, "x3", 71_000, 100, 0));

        Map<String, Double> creator = only("refunds", 2, "refundedAmount", 500, "commission", -50);
        assertThat(drainByKey(oneMinute)).isEqualTo(expected(
                "ALL|*", only("refunds", 3, "refundedAmount", 1_100, "commission", -100),
                "MERCHANT|m1", only("refunds", 3, "refundedAmount", 1_100, "commission", -100),
                "PRODUCT|p1", only("refunds", 2, "refundedAmount", 1_000, "commission", -100),
                "PRODUCT|p2", only("refunds", 1, "refundedAmount", 100),
                "CREATOR|c1", creator, "CREATOR|c2", creator,
                "CONTENT|v1", creator, "CONTENT|v3", creator,
                "TIER|MID", creator, "TIER|NANO", creator,
                "FORMAT|REVIEW", only("refunds", 2, "refundedAmount", 1_000, "commission", -100),
                "CATEGORY|UNKNOWN", only("refunds", 2, "refundedAmount", 1_000, "commission", -100),
                "NICHE|UNKNOWN", only("refunds", 2, "refundedAmount", 1_000, "commission", -100),
                "MATCH|UNKNOWN|UNKNOWN", only("refunds", 2, "refundedAmount", 1_000, "commission", -100)));
    }

    @Test
    void aReversalCountsInTheWindowOfItsOwnTsNotTheOrders() {
        Attribution line = organic("o1", "l1", 1_000, "m1", "p1", 1, 300, true);
        oneMinute.add(KpiInput.of(reversal(line, "x1", 5 * MINUTE + 1, 300, 0)), (String) null);

        List<Kpi> partials = oneMinute.drain();
        assertThat(partials).isNotEmpty().allSatisfy(k -> {
            assertThat(k.windowStart).isEqualTo(5 * MINUTE);
            assertThat(k.windowEnd).isEqualTo(6 * MINUTE);
        });
    }

    @Test
    void windowsOfEverySizeAreAlignedToTheEpochAndABoundaryTsStartsTheLaterWindow() {
        KpiContributions sizes = new KpiContributions(new long[] {MINUTE, HOUR, DAY});
        long inside = 2 * DAY + 3 * HOUR + 4 * MINUTE + 5_000;
        long boundary = 2 * DAY;
        sizes.add(KpiInput.of(click("k1", inside, "c1", "v1", "R", "p1", "m1")), "MID");
        sizes.add(KpiInput.of(click("k2", boundary, "c1", "v1", "R", "p1", "m1")), "MID");
        sizes.add(KpiInput.of(click("k3", boundary - 1, "c1", "v1", "R", "p1", "m1")), "MID");

        Map<String, Long> allClicksByWindow = sizes.drain().stream()
                .filter(k -> k.dimension.equals("ALL"))
                .collect(Collectors.toMap(k -> k.windowStart + "-" + k.windowEnd, k -> k.clicks, (a, b) -> {
                    throw new AssertionError("two partials of one window");
                }, TreeMap::new));
        Map<String, Long> expected = new LinkedHashMap<>();
        expected.put(window(2 * DAY + 3 * HOUR + 4 * MINUTE, MINUTE), 1L);
        expected.put(window(2 * DAY + 3 * HOUR, HOUR), 1L);
        expected.put(window(2 * DAY, DAY), 2L); // inside and boundary
        expected.put(window(2 * DAY, MINUTE), 1L);
        expected.put(window(2 * DAY, HOUR), 1L);
        expected.put(window(2 * DAY - MINUTE, MINUTE), 1L);
        expected.put(window(2 * DAY - HOUR, HOUR), 1L);
        expected.put(window(DAY, DAY), 1L);
        assertThat(allClicksByWindow).isEqualTo(new TreeMap<>(expected));
    }

    @Test
    void aNegativeTsFallsInTheWindowBelowIt() {
        oneMinute.add(KpiInput.of(click("k1", -1, "c1", "v1", "R", "p1", "m1")), "MID");
        assertThat(oneMinute.drain()).allSatisfy(k -> {
            assertThat(k.windowStart).isEqualTo(-MINUTE);
            assertThat(k.windowEnd).isZero();
        });
    }

    @Test
    void drainingStartsAnEmptyBatchWhoseDistinctCountsStartOver() {
        Attribution line = organic("o1", "l1", 1_000, "m1", "p1", 1, 300, true);
        add(line);
        assertThat(oneMinute.isEmpty()).isFalse();
        assertThat(drainByKey(oneMinute).get("ALL|*")).containsEntry("orders", 1.0);
        assertThat(oneMinute.isEmpty()).isTrue();
        assertThat(oneMinute.drain()).isEmpty();

        // The same order in a later batch counts again: distinct counts rely on a batch holding a whole order.
        add(line);
        assertThat(drainByKey(oneMinute).get("ALL|*")).containsEntry("orders", 1.0);
    }

    // ---- CONTRACT section 8: CATEGORY, NICHE and MATCH; reviews ----

    /**
     * Reference data with versions: creator c1 is BEAUTY until 5000 and FITNESS from 5000 on, c2 has no niche;
     * product p1 is SKINCARE until 5000 and SPORT from 5000 on, p2 has no category; every creator is MID.
     */
    private static final KpiReferenceData VERSIONED = new KpiReferenceData() {
        @Override
        public String tier(String creatorId, long ts) {
            return "MID";
        }

        @Override
        public String niche(String creatorId, long ts) {
            if (!creatorId.equals("c1")) return Dimension.UNKNOWN;
            return ts < 5_000 ? "BEAUTY" : "FITNESS";
        }

        @Override
        public String category(String productId, long ts) {
            if (!productId.equals("p1")) return Dimension.UNKNOWN;
            return ts < 5_000 ? "SKINCARE" : "SPORT";
        }
    };

    @Test
    void aClickCountsOnTheCategoryNicheAndMatchOfTheReferenceDataInForceAtItsTs() {
        oneMinute.add(KpiInput.of(click("k1", 4_999, "c1", "v1", "TUTORIAL", "p1", "m1")), VERSIONED);
        oneMinute.add(KpiInput.of(click("k2", 5_000, "c1", "v1", "TUTORIAL", "p1", "m1")), VERSIONED);
        oneMinute.add(KpiInput.of(click("k3", 6_000, "c2", "v2", "TUTORIAL", "p2", "m1")), VERSIONED);

        Map<String, Map<String, Double>> got = drainByKey(oneMinute);
        Map<String, Double> oneClick = only("clicks", 1);
        assertThat(got).containsEntry("CATEGORY|SKINCARE", oneClick).containsEntry("CATEGORY|SPORT", oneClick)
                .containsEntry("CATEGORY|UNKNOWN", oneClick)
                .containsEntry("NICHE|BEAUTY", oneClick).containsEntry("NICHE|FITNESS", oneClick)
                .containsEntry("NICHE|UNKNOWN", oneClick)
                .containsEntry("MATCH|BEAUTY|SKINCARE", oneClick).containsEntry("MATCH|FITNESS|SPORT", oneClick)
                .containsEntry("MATCH|UNKNOWN|UNKNOWN", oneClick);
        assertThat(got.keySet()).filteredOn(k -> k.startsWith("CATEGORY|") || k.startsWith("NICHE|")
                || k.startsWith("MATCH|")).hasSize(9);
    }

    @Test
    void aViewCountsOnTheNicheOfItsCreatorOnlyNeverOnCategoryOrMatch() {
        oneMinute.add(KpiInput.of(view("e1", 1_000, "c1", "v1", "REVIEW", "p1", "p2")), VERSIONED);

        Map<String, Double> oneView = only("views", 1);
        assertThat(drainByKey(oneMinute)).isEqualTo(expected(
                "ALL|*", oneView, "CREATOR|c1", oneView, "CONTENT|v1", oneView, "TIER|MID", oneView,
                "FORMAT|REVIEW", oneView, "PRODUCT|p1", oneView, "PRODUCT|p2", oneView, "NICHE|BEAUTY", oneView));
    }

    @Test
    void anAttributedLineAndItsReversalCountOnCategoryNicheAndMatchOfTheWinningCreatorAndTheLinesProductAsOfTheirOwnTs() {
        Attribution line = credited("o1", "l1", 1_000, "m1", "p1", 2, 2_000, false,
                "c1", "v1", "REVIEW", "MID", 1.0, 2_000, 200, 800L);
        oneMinute.add(KpiInput.of(line), VERSIONED);
        // The reversal's update is at 6000: the niche and category in force then, not at the order's ts.
        oneMinute.add(KpiInput.of(reversal(line, "x1", 6_000, 500, 50)), VERSIONED);

        Map<String, Double> attributed = only("units", 2, "gmv", 2_000, "orders", 1, "attributedOrders", 1,
                "attributedGmv", 2_000, "commission", 200, "margin", 800);
        Map<String, Double> reversed = only("refunds", 1, "refundedAmount", 500, "commission", -50);
        Map<String, Map<String, Double>> got = drainByKey(oneMinute);
        assertThat(got).containsEntry("CATEGORY|SKINCARE", attributed).containsEntry("NICHE|BEAUTY", attributed)
                .containsEntry("MATCH|BEAUTY|SKINCARE", attributed)
                .containsEntry("CATEGORY|SPORT", reversed).containsEntry("NICHE|FITNESS", reversed)
                .containsEntry("MATCH|FITNESS|SPORT", reversed);
        assertThat(got.keySet()).filteredOn(k -> k.startsWith("CATEGORY|") || k.startsWith("NICHE|")
                || k.startsWith("MATCH|")).hasSize(6);
    }

    @Test
    void anOrganicLineAndItsReversalDoNotCountOnCategoryNicheOrMatch() {
        Attribution line = organic("o1", "l1", 1_000, "m1", "p1", 1, 300, true);
        oneMinute.add(KpiInput.of(line), VERSIONED);
        oneMinute.add(KpiInput.of(reversal(line, "x1", 6_000, 300, 0)), VERSIONED);

        assertThat(drainByKey(oneMinute)).containsOnlyKeys("ALL|*", "MERCHANT|m1", "PRODUCT|p1");
    }

    @Test
    void aReviewCountsOnAllMerchantAndProductWithReviewsRatingSumAndNegativeReviewsOfRatingTwoOrLess() {
        oneMinute.add(KpiInput.of(review("r1", 1_000, "p1", "m1", 1, null), null), VERSIONED);
        oneMinute.add(KpiInput.of(review("r2", 2_000, "p1", "m1", 2, "o1"), null), VERSIONED);
        oneMinute.add(KpiInput.of(review("r3", 3_000, "p1", "m1", 3, null), null), VERSIONED);
        oneMinute.add(KpiInput.of(review("r4", 4_000, "p1", "m1", 5, "o2"), null), VERSIONED);

        Map<String, Double> m = only("reviews", 4, "ratingSum", 11, "negativeReviews", 2);
        assertThat(drainByKey(oneMinute)).isEqualTo(expected("ALL|*", m, "MERCHANT|m1", m, "PRODUCT|p1", m));
    }

    @Test
    void aCreditedReviewAlsoCountsOnTheCreditsCreatorContentTierAndFormatAndOnCategoryNicheAndMatchAtItsTs() {
        // The credit carries the line's tier; niche and category are those in force at the review's ts (6000).
        oneMinute.add(KpiInput.of(review("r1", 6_000, "p1", "m1", 2, "o1"), creditOf("c1", "v1", "NANO", "HUMOR")),
                VERSIONED);

        Map<String, Double> m = only("reviews", 1, "ratingSum", 2, "negativeReviews", 1);
        assertThat(drainByKey(oneMinute)).isEqualTo(expected(
                "ALL|*", m, "MERCHANT|m1", m, "PRODUCT|p1", m, "CREATOR|c1", m, "CONTENT|v1", m, "TIER|NANO", m,
                "FORMAT|HUMOR", m, "CATEGORY|SPORT", m, "NICHE|FITNESS", m, "MATCH|FITNESS|SPORT", m));
    }

    @Test
    void aReviewCountsInTheWindowOfItsOwnTs() {
        oneMinute.add(KpiInput.of(review("r1", 3 * MINUTE + 5, "p1", "m1", 4, "o1"), creditOf("c1", "v1", "MID", "HUMOR")),
                VERSIONED);
        assertThat(oneMinute.drain()).isNotEmpty().allSatisfy(k -> {
            assertThat(k.windowStart).isEqualTo(3 * MINUTE);
            assertThat(k.windowEnd).isEqualTo(4 * MINUTE);
        });
    }

    private void add(Attribution a) {
        oneMinute.add(KpiInput.of(a), (String) null);
    }

    private static String window(long start, long size) {
        return start + "-" + (start + size);
    }
}
