package io.tally.local;

import io.tally.alert.Alert;
import io.tally.alert.AlertState;
import io.tally.event.Stream;
import io.tally.io.Json;
import io.tally.kpi.Kpi;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DashboardTest {
    private static final long HOUR = Duration.ofHours(1).toMillis();
    /** 2026-11-24 17:00 UTC. */
    private static final long H17 = Instant.parse("2026-11-24T17:00:00Z").toEpochMilli();

    @Test
    void rendersHeaderTotalsCreatorTableReviewScoresMatchesAndAlerts() {
        Dashboard.Snapshot snapshot = new Dashboard.Snapshot("localhost:40123", Duration.ofSeconds(3723), 120_345,
                4_210, 9_876, 3, 17, H17,
                List.of(new Dashboard.CreatorRow("creator-42", new BigDecimal("12345.67"), 42, 0.031,
                                new BigDecimal("4.5"), 0.123, 4.25),
                        new Dashboard.CreatorRow("creator-7", new BigDecimal("99.00"), 1, null, null, null, null)),
                H17 - HOUR, new Dashboard.ReviewScore("*", 312, 4.2115, 0.0705, 9_000),
                List.of(new Dashboard.ReviewScore("p-001-003", 12, 2.1, 0.5833, 40)),
                List.of(new Dashboard.MatchRow("beauty|beauty", 120, 9, 0.075, new BigDecimal("812.40"))),
                List.of(new Dashboard.AlertRow("FIRING", "cpa-above-margin", "CREATOR", "creator-42", "cpa", ">",
                        12.345, 10.0, H17, H17 + HOUR)));

        String text = Dashboard.render(snapshot);

        assertThat(text).contains("Kafka localhost:40123", "running 1:02:03");
        assertThat(text).contains("events produced 120,345", "attributions 4,210", "KPI records 9,876",
                "alerts 3", "dead letters 17");
        assertThat(text).contains("hour 2026-11-24 17:00-18:00 UTC");
        assertThat(lineWith(text, "#")).contains("creator", "GMV", "orders", "conversion", "CPA", "engagement",
                "rating");
        assertThat(lineWith(text, "creator-42")).startsWith("  1  ")
                .contains("12,345.67", " 42 ", "3.10%", "4.50", "12.30%", "4.25");
        assertThat(lineWith(text, "Review scores")).contains("hour 2026-11-24 16:00-17:00 UTC, the latest with reviews",
                "program 4.21 of 5 from 312 reviews, 7.05% negative");
        assertThat(lineWith(text, "p-001-003")).contains(" 2.10 ", " 12 ", "58.33%", " 40");
        assertThat(lineWith(text, "Best-converting niche x category")).contains("5+ clicks");
        assertThat(lineWith(text, "beauty|beauty")).startsWith("  1  ").contains(" 120 ", " 9 ", "7.50%", "812.40");
        assertThat(lineWith(text, "creator-7")).startsWith("  2  ").contains("99.00", " 1 ")
                .doesNotContain("%");
        assertThat(lineWith(text, "cpa-above-margin"))
                .contains("FIRING", "CREATOR creator-42", "cpa 12.35 > 10.00", "2026-11-24 17:00 (1h)");
        assertThat(text).doesNotContain("\u001b");
    }

    @Test
    void saysSoBeforeAnyCreatorKpiOrAlert() {
        String text = Dashboard.render(new DashboardModel().snapshot("localhost:1", Duration.ZERO, 0));

        assertThat(text).contains("running 0:00:00", "no hourly creator KPIs yet", "Latest alerts: none");
        assertThat(text).doesNotContain("Review scores");
    }

    @Test
    void modelShowsTheLatestHourWithReviewsLowestRatedProductsFirstFromFiveReviews() {
        DashboardModel model = new DashboardModel();
        model.accept(Stream.KPIS, reviews("PRODUCT", "an-hour-before", H17 - HOUR, 9, 9, 9));
        model.accept(Stream.KPIS, reviews("ALL", "*", 40, 150, 6));
        model.accept(Stream.KPIS, reviews("PRODUCT", "rated-low", 5, 10, 4));
        model.accept(Stream.KPIS, reviews("PRODUCT", "rated-lower-but-four-reviews", 4, 4, 4));
        model.accept(Stream.KPIS, reviews("PRODUCT", "rated-high", 6, 27, 0));
        model.accept(Stream.KPIS, reviews("PRODUCT", "rated-low-more-reviews", 10, 20, 8));
        model.accept(Stream.KPIS, reviews("PRODUCT", "rated-mid", 5, 15, 1));
        model.accept(Stream.KPIS, reviews("PRODUCT", "rated-mid", 5, 20, 1)); // an update replaces the product's row
        model.accept(Stream.KPIS, reviews("PRODUCT", "no-reviews", H17 + HOUR, 0, 0, 0));
        model.accept(Stream.KPIS, kpi("CREATOR", "next-hour", H17 + HOUR, HOUR, 1_00));
        model.accept(Stream.KPIS, reviews("PRODUCT", "an-hour-before-late", H17 - HOUR, 9, 9, 9));

        Dashboard.Snapshot s = model.snapshot("b", Duration.ZERO, 0);

        assertThat(s.hourStart()).isEqualTo(H17 + HOUR);
        assertThat(s.reviewHourStart()).as("the latest hour with reviews").isEqualTo(H17);
        assertThat(s.program().reviews()).isEqualTo(40);
        assertThat(s.program().avgRating()).isEqualTo(3.75);
        assertThat(s.program().negativeReviewRate()).isEqualTo(0.15);
        assertThat(s.lowestRated()).extracting(Dashboard.ReviewScore::key)
                .containsExactly("rated-low-more-reviews", "rated-low", "rated-mid");
        assertThat(s.lowestRated().get(2).avgRating()).isEqualTo(4.0);
    }

    @Test
    void modelRanksTheHoursNicheCategoryPairsByConversionFromFiveClicks() {
        DashboardModel model = new DashboardModel();
        model.accept(Stream.KPIS, match("beauty|beauty", 20, 5, 400_00));
        model.accept(Stream.KPIS, match("gaming|beauty", 4, 4, 900_00)); // too few clicks to rank
        model.accept(Stream.KPIS, match("tech|tech", 10, 2, 500_00));
        model.accept(Stream.KPIS, match("home|tech", 10, 2, 300_00)); // the same conversion, less GMV
        model.accept(Stream.KPIS, match("home|home", 50, 1, 100_00));
        model.accept(Stream.KPIS, match("food|home", 5, 0, 0));
        model.accept(Stream.KPIS, match("UNKNOWN|home", 8, 0, 0));

        List<Dashboard.MatchRow> rows = model.snapshot("b", Duration.ZERO, 0).bestMatches();

        assertThat(rows).extracting(Dashboard.MatchRow::key)
                .containsExactly("beauty|beauty", "tech|tech", "home|tech", "home|home", "UNKNOWN|home");
        assertThat(rows.get(0).conversionRate()).isEqualTo(0.25);
        assertThat(rows.get(0).attributedGmv()).isEqualByComparingTo("400.00");
    }

    @Test
    void modelKeepsTheLatestHourlyCreatorWindowAndItsTopTenByGmv() {
        DashboardModel model = new DashboardModel();
        model.accept(Stream.KPIS, kpi("CREATOR", "old-hour", H17 - HOUR, HOUR, 999_999_00));
        for (int i = 1; i <= 12; i++) model.accept(Stream.KPIS, kpi("CREATOR", "c" + i, H17, HOUR, i * 100_00));
        model.accept(Stream.KPIS, kpi("CREATOR", "c3", H17, HOUR, 5_000_00)); // an update replaces c3's row
        model.accept(Stream.KPIS, kpi("CREATOR", "late-old-hour", H17 - HOUR, HOUR, 999_999_00));
        model.accept(Stream.KPIS, kpi("CREATOR", "minute", H17, Duration.ofMinutes(1).toMillis(), 999_999_00));
        model.accept(Stream.KPIS, kpi("MERCHANT", "m1", H17, HOUR, 999_999_00));

        Dashboard.Snapshot s = model.snapshot("b", Duration.ZERO, 0);

        assertThat(s.kpis()).isEqualTo(17);
        assertThat(s.hourStart()).isEqualTo(H17);
        assertThat(s.topCreators()).extracting(Dashboard.CreatorRow::creatorId)
                .containsExactly("c3", "c12", "c11", "c10", "c9", "c8", "c7", "c6", "c5", "c4");
        assertThat(s.topCreators().get(0).gmv()).isEqualByComparingTo("5000.00");
        assertThat(s.topCreators().get(0).orders()).isEqualTo(3);
        assertThat(s.topCreators().get(0).conversionRate()).isEqualTo(0.25);

        // A newer hour replaces the table.
        model.accept(Stream.KPIS, kpi("CREATOR", "next", H17 + HOUR, HOUR, 1_00));
        assertThat(model.snapshot("b", Duration.ZERO, 0).topCreators())
                .extracting(Dashboard.CreatorRow::creatorId).containsExactly("next");
    }

    @Test
    void modelKeepsTheFiveNewestAlertsAndCountsEveryOutput() {
        DashboardModel model = new DashboardModel();
        for (int i = 1; i <= 7; i++) model.accept(Stream.ALERTS, alert("rule-" + i));
        model.accept(Stream.ATTRIBUTIONS, "{}");
        model.accept(Stream.ATTRIBUTIONS, "{}");
        model.accept(Stream.DEAD_LETTERS, "{}");
        model.accept(Stream.KPIS, "not json");

        Dashboard.Snapshot s = model.snapshot("b", Duration.ofSeconds(5), 42);

        assertThat(s.latestAlerts()).extracting(Dashboard.AlertRow::ruleId)
                .containsExactly("rule-7", "rule-6", "rule-5", "rule-4", "rule-3");
        assertThat(s.latestAlerts().get(0).value()).isEqualTo(12.5);
        assertThat(s.alerts()).isEqualTo(7);
        assertThat(s.attributions()).isEqualTo(2);
        assertThat(s.deadLetters()).isEqualTo(1);
        assertThat(s.kpis()).isEqualTo(1);
        assertThat(s.eventsProduced()).isEqualTo(42);
        assertThat(model.unreadable()).isEqualTo(1);
    }

    @Test
    void numbersReadWell() {
        assertThat(Dashboard.number(0.031234)).isEqualTo("0.03123");
        assertThat(Dashboard.number(1234.5)).isEqualTo("1234.50");
        assertThat(Dashboard.number(null)).isEqualTo("null");
        assertThat(Dashboard.money(new BigDecimal("-3.456"))).isEqualTo("-3.46");
        assertThat(Dashboard.percent(1.0)).isEqualTo("100.00%");
    }

    private static String kpi(String dimension, String key, long windowStart, long size, long gmvCents) {
        Kpi k = new Kpi();
        k.dimension = dimension;
        k.key = key;
        k.windowStart = windowStart;
        k.windowEnd = windowStart + size;
        k.gmvCents = gmvCents;
        k.orders = 3;
        k.attributedOrders = 3;
        k.clicks = 12;
        k.conversionRate = 0.25;
        return Json.write(k);
    }

    private static String reviews(String dimension, String key, long reviews, long ratingSum, long negative) {
        return reviews(dimension, key, H17, reviews, ratingSum, negative);
    }

    private static String reviews(String dimension, String key, long hour, long reviews, long ratingSum, long negative) {
        Kpi k = new Kpi();
        k.dimension = dimension;
        k.key = key;
        k.windowStart = hour;
        k.windowEnd = hour + HOUR;
        k.reviews = reviews;
        k.ratingSum = ratingSum;
        k.negativeReviews = negative;
        k.avgRating = reviews == 0 ? null : (double) ratingSum / reviews;
        k.negativeReviewRate = reviews == 0 ? null : (double) negative / reviews;
        k.clicks = 30;
        return Json.write(k);
    }

    private static String match(String key, long clicks, long attributedOrders, long attributedGmvCents) {
        Kpi k = new Kpi();
        k.dimension = "MATCH";
        k.key = key;
        k.windowStart = H17;
        k.windowEnd = H17 + HOUR;
        k.clicks = clicks;
        k.attributedOrders = attributedOrders;
        k.orders = attributedOrders;
        k.attributedGmvCents = attributedGmvCents;
        k.gmvCents = attributedGmvCents;
        k.conversionRate = (double) attributedOrders / clicks;
        return Json.write(k);
    }

    private static String alert(String ruleId) {
        Alert a = new Alert();
        a.alertId = ruleId + "|CREATOR|c1|" + H17;
        a.ruleId = ruleId;
        a.dimension = "CREATOR";
        a.key = "c1";
        a.metric = "cpa";
        a.op = ">";
        a.value = 12.5;
        a.threshold = 10.0;
        a.state = AlertState.FIRING;
        a.windowStart = H17;
        a.windowEnd = H17 + HOUR;
        a.ts = H17 + HOUR;
        return Json.write(a);
    }

    private static String lineWith(String text, String needle) {
        return text.lines().filter(l -> l.contains(needle)).findFirst()
                .orElseThrow(() -> new AssertionError("no line with '" + needle + "' in\n" + text));
    }
}
