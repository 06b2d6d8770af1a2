package io.tally.dashboard;

import io.tally.alert.Alert;
import io.tally.alert.AlertState;
import io.tally.kpi.Kpi;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.tally.dashboard.ProgramView.DAY;
import static io.tally.dashboard.ProgramView.HOUR;
import static io.tally.dashboard.ProgramView.MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

class ProgramViewTest {
    private final ProgramView view = new ProgramView();

    private static Kpi kpi(String dimension, String key, long start, long size, long gmvCents, long orders) {
        Kpi k = new Kpi();
        k.dimension = dimension;
        k.key = key;
        k.windowStart = start;
        k.windowEnd = start + size;
        k.gmvCents = gmvCents;
        k.attributedGmvCents = gmvCents;
        k.orders = orders;
        return k;
    }

    private static Alert alert(String id, AlertState state, long windowStart) {
        Alert a = new Alert();
        a.alertId = id;
        a.ruleId = "r";
        a.dimension = "ALL";
        a.key = "*";
        a.state = state;
        a.windowStart = windowStart;
        a.windowEnd = windowStart + HOUR;
        return a;
    }

    /** A MATCH record of the hour: clicks, attributed orders and the conversion rate they make. */
    private static Kpi match(String key, long clicks, long attributedOrders) {
        Kpi k = kpi("MATCH", key, 0, HOUR, 1_000 * attributedOrders, attributedOrders);
        k.clicks = clicks;
        k.attributedOrders = attributedOrders;
        k.attributedGmvCents = 1_000 * attributedOrders;
        k.conversionRate = clicks == 0 ? null : (double) attributedOrders / clicks;
        return k;
    }

    @Test
    void theBestConvertingNicheAndCategoryPairsOfTheHourComeFirstAndTooFewClicksAreNotRanked() {
        view.accept(match("beauty|skincare", 10, 2));
        view.accept(match("gaming|skincare", 20, 1));
        view.accept(match("beauty|haircare", 8, 4));
        view.accept(match("food|skincare", 4, 4)); // too few clicks to say

        assertThat(view.snapshot(null, 0).matches).extracting(k -> k.key)
                .containsExactly("beauty|haircare", "beauty|skincare", "gaming|skincare");
    }

    @Test
    void theHourTilesShowTheProgramsReviewScore() {
        Kpi k = kpi("ALL", "*", 0, HOUR, 10_000, 2);
        k.reviews = 4;
        k.ratingSum = 10;
        k.avgRating = 2.5;
        view.accept(k);

        assertThat(view.snapshot(null, 0).hour).contains(new ProgramView.Tile("avgRating", 2.5, null));
    }

    @Test
    void theHourTilesShowTheNewestHourOfTheProgramAgainstTheHourBefore() {
        view.accept(kpi("ALL", "*", 0, HOUR, 10_000, 2));
        view.accept(kpi("ALL", "*", HOUR, HOUR, 25_050, 5));
        view.accept(kpi("MERCHANT", "m1", HOUR, HOUR, 7_000, 1));

        ProgramView.Tile gmv = view.snapshot(null, 0).hour.get(0);
        assertThat(gmv).isEqualTo(new ProgramView.Tile("gmv", 250.50, 100.0));
        assertThat(view.snapshot(null, 0).hour.get(3)).isEqualTo(new ProgramView.Tile("orders", 5.0, 2.0));
    }

    @Test
    void aLaterRecordOfAWindowReplacesTheEarlierOne() {
        view.accept(kpi("ALL", "*", 0, HOUR, 10_000, 2));
        view.accept(kpi("ALL", "*", 0, HOUR, 12_000, 3));

        assertThat(view.snapshot(null, 0).hour.get(0).value).isEqualTo(120.0);
    }

    @Test
    void aMerchantSeesItsOwnWindowsOnly() {
        view.accept(kpi("ALL", "*", 0, HOUR, 10_000, 2));
        view.accept(kpi("MERCHANT", "m1", 0, HOUR, 7_000, 1));
        view.accept(kpi("MERCHANT", "m0", 0, HOUR, 1_000, 1));

        assertThat(view.snapshot(null, 0).merchants).containsExactly("m0", "m1");
        assertThat(view.snapshot("m1", 0).hour.get(0).value).isEqualTo(70.0);
        assertThat(view.snapshot("m2", 0).hour.get(0).value).isNull();
    }

    @Test
    void theSeriesHoldsTheLastHourOfMinutesWithGapsWhereNoRecordCame() {
        view.accept(kpi("ALL", "*", 10 * MINUTE, MINUTE, 100, 1));
        view.accept(kpi("ALL", "*", 12 * MINUTE, MINUTE, 300, 3));

        ProgramView.Snapshot snapshot = view.snapshot(null, 13 * MINUTE + 5_000);
        assertThat(snapshot.eventsPerSecond).isEqualTo(3 / 60.0);
        assertThat(snapshot.lagMs).isEqualTo(5_000);
        List<Double> orders = snapshot.minutes.get("orders");
        assertThat(orders).hasSize(60);
        assertThat(orders.subList(57, 60)).containsExactly(1.0, null, 3.0);
    }

    @Test
    void anOpenDayShowsNoMoreEventTimeThanItsStart() {
        view.accept(kpi("ALL", "*", 0, DAY, 100, 1));
        view.accept(kpi("ALL", "*", 2 * MINUTE, MINUTE, 100, 1));

        assertThat(view.snapshot(null, 4 * MINUTE).lagMs).isEqualTo(MINUTE);
        assertThat(view.snapshot(null, 4 * MINUTE).minutes.get("orders").get(59)).isEqualTo(1.0);
    }

    @Test
    void windowsThatEndedADayBeforeTheNewestAreForgotten() {
        view.accept(kpi("CREATOR", "c1", 0, HOUR, 100, 1));
        view.accept(kpi("CREATOR", "c2", DAY, HOUR, 100, 1));
        view.accept(kpi("CREATOR", "c3", DAY + 3 * HOUR, HOUR, 100, 1));

        assertThat(view.windowCount()).isEqualTo(2);
        // And a late record of a forgotten window is not taken back in.
        view.accept(kpi("CREATOR", "c1", 0, HOUR, 200, 2));
        assertThat(view.windowCount()).isEqualTo(2);
    }

    @Test
    void topCreatorsAreTheNewestHourByAttributedGmv() {
        view.accept(kpi("CREATOR", "old", 0, HOUR, 99_999, 1));
        view.accept(kpi("CREATOR", "b", HOUR, HOUR, 500, 1));
        view.accept(kpi("CREATOR", "a", HOUR, HOUR, 900, 1));

        assertThat(view.snapshot(null, 0).topCreators).extracting(k -> k.key).containsExactly("a", "b");
    }

    @Test
    void firingAlertsComeFirstAndAResolvedOneLeavesThem() {
        view.accept(alert("x", AlertState.FIRING, 0));
        view.accept(alert("y", AlertState.FIRING, HOUR));
        view.accept(alert("x", AlertState.RESOLVED, 0));

        assertThat(view.snapshot(null, 0).alerts).extracting(a -> a.alertId + " " + a.state)
                .containsExactly("y FIRING", "x RESOLVED");
    }
}
