package io.tally.kpi;

import org.junit.jupiter.api.Test;

import static io.tally.kpi.KpiFixtures.base;
import static io.tally.kpi.KpiFixtures.only;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Merging partial records and the derived metrics of CONTRACT section 4. */
class KpiMathTest {
    private static Kpi record() {
        return KpiMath.empty("CREATOR", "c1", 60_000, 120_000);
    }

    @Test
    void anEmptyRecordHasZeroCountsAndNullRatios() {
        Kpi k = KpiMath.derive(record(), true, null);

        assertThat(base(k)).isEqualTo(only());
        assertThat(k.dimension).isEqualTo("CREATOR");
        assertThat(k.key).isEqualTo("c1");
        assertThat(k.windowStart).isEqualTo(60_000);
        assertThat(k.windowEnd).isEqualTo(120_000);
        assertThat(k.isFinal).isTrue();
        assertThat(k.engagementRate).isNull();
        assertThat(k.ctr).isNull();
        assertThat(k.aovCents).isNull();
        assertThat(k.conversionRate).isNull();
        assertThat(k.cpaCents).isNull();
        assertThat(k.newCustomerRate).isNull();
        assertThat(k.netGmvCents).isZero();
        assertThat(k.marginPerOrderCents).isNull();
        assertThat(k.gmvShare).isNull();
        assertThat(k.stock).isNull();
        assertThat(k.avgRating).isNull();
        assertThat(k.negativeReviewRate).isNull();
    }

    /** CONTRACT section 8: avgRating = ratingSum / reviews, negativeReviewRate = negativeReviews / reviews. */
    @Test
    void avgRatingAndNegativeReviewRateAreDerivedFromTheReviewCounts() {
        Kpi acc = record();
        acc.reviews = 4;
        acc.ratingSum = 11; // 1 + 2 + 3 + 5
        acc.negativeReviews = 2;
        Kpi k = KpiMath.derive(acc, true, null);
        assertThat(k.avgRating).isEqualTo(2.75);
        assertThat(k.negativeReviewRate).isEqualTo(0.5);

        acc.reviews = 3;
        acc.ratingSum = 13;
        acc.negativeReviews = 0;
        k = KpiMath.derive(acc, true, null);
        assertThat(k.avgRating).isCloseTo(13.0 / 3, within(1e-15));
        assertThat(k.negativeReviewRate).isEqualTo(0.0);
    }

    @Test
    void avgRatingAndNegativeReviewRateAreNullAtZeroReviewsWhateverElseTheRecordHolds() {
        Kpi acc = record();
        acc.views = 10;
        acc.clicks = 3;
        acc.orders = 2;
        acc.gmvCents = 500;
        Kpi k = KpiMath.derive(acc, true, null);
        assertThat(k.reviews).isZero();
        assertThat(k.avgRating).isNull();
        assertThat(k.negativeReviewRate).isNull();
    }

    @Test
    void everyRatioIsItsNumeratorOverItsDenominator() {
        Kpi acc = record();
        acc.views = 8;
        acc.likes = 3;
        acc.comments = 2;
        acc.shares = 1;
        acc.clicks = 3;
        acc.orders = 4;
        acc.newCustomerOrders = 1;
        acc.attributedOrders = 2;

        Kpi k = KpiMath.derive(acc, false, 17L);

        assertThat(k.engagementRate).isEqualTo(0.75); // (3 + 2 + 1) / 8
        assertThat(k.ctr).isEqualTo(3.0 / 8);
        assertThat(k.conversionRate).isEqualTo(2.0 / 3);
        assertThat(k.newCustomerRate).isEqualTo(0.25);
        assertThat(k.isFinal).isFalse();
        assertThat(k.stock).isEqualTo(17L);
    }

    @Test
    void eachRatioIsNullExactlyWhenItsOwnDenominatorIsZero() {
        Kpi clicksNoViews = record();
        clicksNoViews.clicks = 2;
        clicksNoViews.likes = 1;
        clicksNoViews.attributedOrders = 1;
        clicksNoViews.orders = 1;
        Kpi k = KpiMath.derive(clicksNoViews, true, null);
        assertThat(k.engagementRate).isNull();
        assertThat(k.ctr).isNull();
        assertThat(k.conversionRate).isEqualTo(0.5);
        assertThat(k.newCustomerRate).isEqualTo(0.0);
        assertThat(k.aovCents).isZero();
        assertThat(k.cpaCents).isZero();
        assertThat(k.marginPerOrderCents).isZero();

        Kpi ordersNotAttributed = record();
        ordersNotAttributed.views = 4;
        ordersNotAttributed.orders = 2;
        ordersNotAttributed.gmvCents = 1_000;
        ordersNotAttributed.commissionCents = 50;
        ordersNotAttributed.spendCents = 70;
        ordersNotAttributed.marginCents = 30;
        k = KpiMath.derive(ordersNotAttributed, true, null);
        assertThat(k.engagementRate).isEqualTo(0.0);
        assertThat(k.ctr).isEqualTo(0.0);
        assertThat(k.conversionRate).isNull();
        assertThat(k.aovCents).isEqualTo(500);
        assertThat(k.cpaCents).isNull();
        assertThat(k.marginPerOrderCents).isNull();
        assertThat(k.newCustomerRate).isEqualTo(0.0);
    }

    @Test
    void aovIsGmvOverOrdersRoundedHalfEvenToCents() {
        assertThat(aov(1_000, 3)).isEqualTo(333); // 3.3333
        assertThat(aov(2_000, 3)).isEqualTo(667); // 6.6667
        assertThat(aov(5, 2)).isEqualTo(2); // 0.025 -> 0.02
        assertThat(aov(7, 2)).isEqualTo(4); // 0.035 -> 0.04
        assertThat(aov(15, 2)).isEqualTo(8); // 0.075 -> 0.08
    }

    @Test
    void cpaIsCommissionPlusSpendOverAttributedOrdersRoundedHalfEven() {
        Kpi acc = record();
        acc.commissionCents = 3;
        acc.spendCents = 2;
        acc.attributedOrders = 2;
        assertThat(KpiMath.derive(acc, true, null).cpaCents).isEqualTo(2); // 0.025 -> 0.02

        acc.commissionCents = 1_000;
        acc.spendCents = 501;
        acc.attributedOrders = 3;
        assertThat(KpiMath.derive(acc, true, null).cpaCents).isEqualTo(500); // 15.01 / 3 = 5.00333

        acc.commissionCents = -5; // commission reversed in the window, no spend
        acc.spendCents = 0;
        acc.attributedOrders = 2;
        assertThat(KpiMath.derive(acc, true, null).cpaCents).isEqualTo(-2); // -0.025 -> -0.02
    }

    @Test
    void marginPerOrderIsMarginOverAttributedOrdersRoundedHalfEvenAndMayBeNegative() {
        Kpi acc = record();
        acc.attributedOrders = 2;
        acc.orders = 5;
        acc.marginCents = 15;
        assertThat(KpiMath.derive(acc, true, null).marginPerOrderCents).isEqualTo(8); // 0.075 -> 0.08
        acc.marginCents = 13;
        assertThat(KpiMath.derive(acc, true, null).marginPerOrderCents).isEqualTo(6); // 0.065 -> 0.06
        acc.marginCents = -7;
        assertThat(KpiMath.derive(acc, true, null).marginPerOrderCents).isEqualTo(-4); // -0.035 -> -0.04
    }

    @Test
    void netGmvIsGmvMinusRefundedAmountAndMayBeNegative() {
        Kpi acc = record();
        acc.gmvCents = 1_000;
        acc.refundedAmountCents = 250;
        assertThat(KpiMath.derive(acc, true, null).netGmvCents).isEqualTo(750);

        acc.gmvCents = 0; // a window with refunds of earlier orders only
        assertThat(KpiMath.derive(acc, true, null).netGmvCents).isEqualTo(-250);
    }

    @Test
    void gmvShareIsAttributedGmvOverTheAllRecordsAndNullWhenThatIsZeroOrUnknown() {
        Kpi k = record();
        k.attributedGmvCents = 250;
        assertThat(KpiMath.gmvShare(k, 1_000L)).isEqualTo(0.25);
        assertThat(KpiMath.gmvShare(k, 3_000L)).isCloseTo(1.0 / 12, within(1e-15));
        assertThat(KpiMath.gmvShare(k, 0L)).isNull();
        assertThat(KpiMath.gmvShare(k, null)).isNull();
        k.attributedGmvCents = 0;
        assertThat(KpiMath.gmvShare(k, 1_000L)).isEqualTo(0.0);
    }

    @Test
    void deriveLeavesGmvShareToTheWindowStageAndDoesNotTouchItsInput() {
        Kpi acc = record();
        acc.views = 2;
        acc.likes = 1;
        acc.attributedGmvCents = 100;
        Kpi k = KpiMath.derive(acc, true, 5L);

        assertThat(k).isNotSameAs(acc);
        assertThat(k.gmvShare).isNull();
        assertThat(base(k)).isEqualTo(base(acc));
        assertThat(acc.isFinal).isFalse();
        assertThat(acc.engagementRate).isNull();
        assertThat(acc.stock).isNull();
    }

    @Test
    void addSumsEveryCountAndSum() {
        Kpi from = record();
        from.views = 1;
        from.likes = 2;
        from.comments = 3;
        from.shares = 4;
        from.clicks = 5;
        from.units = 6.5;
        from.gmvCents = 7;
        from.orders = 8;
        from.newCustomerOrders = 9;
        from.attributedOrders = 10;
        from.attributedGmvCents = 11;
        from.commissionCents = -12;
        from.marginCents = 13;
        from.refunds = 14;
        from.refundedAmountCents = 15;
        from.spendCents = 16;
        from.reviews = 17;
        from.ratingSum = 18;
        from.negativeReviews = 19;

        Kpi into = record();
        KpiMath.add(into, from);
        KpiMath.add(into, from);

        assertThat(base(into)).isEqualTo(only("views", 2, "likes", 4, "comments", 6, "shares", 8, "clicks", 10,
                "units", 13.0, "gmv", 14, "orders", 16, "newCustomerOrders", 18, "attributedOrders", 20,
                "attributedGmv", 22, "commission", -24, "margin", 26, "refunds", 28, "refundedAmount", 30,
                "spend", 32, "reviews", 34, "ratingSum", 36, "negativeReviews", 38));
        assertThat(into.dimension).isEqualTo("CREATOR");
        assertThat(into.windowStart).isEqualTo(60_000);
    }

    /** Floating-point addition is not associative: units are summed exactly, so the order of partials is moot. */
    @Test
    void unitsDoNotDependOnTheOrderPartialsAreAddedIn() {
        // Summed as doubles, forward gives 2.3 and backward 2.3000000000000003.
        double[] contributions = {0.1, 0.2, 0.3, 1.0 / 3, 2.0 / 3, 0.7};
        Kpi forward = record();
        Kpi backward = record();
        for (int i = 0; i < contributions.length; i++) {
            forward = sum(forward, contributions[i]);
            backward = sum(backward, contributions[contributions.length - 1 - i]);
        }
        assertThat(forward.units).isEqualTo(backward.units);
        assertThat(KpiMath.derive(forward, true, null).units).isEqualTo(KpiMath.derive(backward, true, null).units);
        assertThat(forward.units).isEqualTo(2.3);
    }

    @Test
    void aRecordBuiltWithoutTheExactSumAddsItsUnitsAsTheyAre() {
        Kpi written = new Kpi();
        written.units = 2.5;
        Kpi into = record();
        KpiMath.addUnits(into, 0.5);
        KpiMath.add(into, written);
        assertThat(into.units).isEqualTo(3.0);
    }

    private static Kpi sum(Kpi acc, double units) {
        Kpi partial = record();
        KpiMath.addUnits(partial, units);
        KpiMath.add(acc, partial);
        return acc;
    }

    private static long aov(long gmvCents, long orders) {
        Kpi acc = record();
        acc.gmvCents = gmvCents;
        acc.orders = orders;
        return KpiMath.derive(acc, true, null).aovCents;
    }
}
