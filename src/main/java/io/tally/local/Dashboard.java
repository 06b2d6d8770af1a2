package io.tally.local;

import io.tally.event.Durations;
import io.tally.kpi.AudienceMatch;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** The terminal dashboard of {@code tally local}: what it shows ({@link Snapshot}) and how ({@link #render}). */
public final class Dashboard {
    /** Rows of the creator table. */
    public static final int TOP_CREATORS = 10;
    /** Rows of the alert list. */
    public static final int LATEST_ALERTS = 5;
    /** Rows of the lowest-rated products, and the reviews a product needs in the hour to be listed. */
    public static final int LOWEST_RATED = 3;
    public static final long RATED_REVIEWS = 5;
    /** Rows of the niche x category pairs. */
    public static final int MATCHES = 5;

    private static final DateTimeFormatter DAY_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

    private Dashboard() {}

    /**
     * Everything the dashboard shows at one moment.
     *
     * @param hourStart start of the hourly CREATOR window the creator table is about (epoch ms); null before the
     *                  first such KPI record
     * @param topCreators at most {@link #TOP_CREATORS}, by GMV, highest first
     * @param reviewHourStart start of the latest hourly window with reviews (often earlier than the creators' hour:
     *                        buyers review hours to weeks after ordering); null before the first review
     * @param program the program's (ALL) reviews in that hour; null before the first review
     * @param lowestRated at most {@link #LOWEST_RATED} products with {@link #RATED_REVIEWS} reviews or more in that
     *                    hour, lowest average rating first
     * @param bestMatches at most {@link #MATCHES} niche x category pairs of that hour, best-converting first
     *                    ({@link AudienceMatch})
     * @param latestAlerts at most {@link #LATEST_ALERTS}, newest first
     */
    public record Snapshot(String bootstrapServers, Duration elapsed, long eventsProduced, long attributions,
                           long kpis, long alerts, long deadLetters, Long hourStart, List<CreatorRow> topCreators,
                           Long reviewHourStart, ReviewScore program, List<ReviewScore> lowestRated, List<MatchRow> bestMatches,
                           List<AlertRow> latestAlerts) {
        public Snapshot {
            topCreators = List.copyOf(topCreators);
            lowestRated = List.copyOf(lowestRated);
            bestMatches = List.copyOf(bestMatches);
            latestAlerts = List.copyOf(latestAlerts);
        }
    }

    /** One creator's hourly KPIs; nullable fields are null where the contract's denominator is 0. */
    public record CreatorRow(String creatorId, BigDecimal gmv, long orders, Double conversionRate, BigDecimal cpa,
                             Double engagementRate, Double avgRating) {}

    /** The reviews of one key (the program's "*" or a product) in the hour; rates null without reviews. */
    public record ReviewScore(String key, long reviews, Double avgRating, Double negativeReviewRate, long clicks) {}

    /** One niche x category pair's hour (a MATCH record, key {@code niche|category}). */
    public record MatchRow(String key, long clicks, long attributedOrders, Double conversionRate,
                           BigDecimal attributedGmv) {}

    /** One alert state change, as written to the alerts topic. */
    public record AlertRow(String state, String ruleId, String dimension, String key, String metric, String op,
                           Double value, Double threshold, long windowStart, long windowEnd) {}

    /** The dashboard as text, lines ending in {@code \n}; no terminal control codes. */
    public static String render(Snapshot s) {
        StringBuilder out = new StringBuilder(2048);
        line(out, "Tally local | Kafka %s | running %s", s.bootstrapServers(), elapsed(s.elapsed()));
        line(out, "events produced %,d | attributions %,d | KPI records %,d | alerts %,d | dead letters %,d",
                s.eventsProduced(), s.attributions(), s.kpis(), s.alerts(), s.deadLetters());
        out.append('\n');

        if (s.hourStart() == null) {
            line(out, "Top creators: no hourly creator KPIs yet");
        } else {
            line(out, "Top creators, hour %s UTC, by GMV", hour(s.hourStart()));
            line(out, "%3s  %-24s %14s %8s %11s %10s %11s %7s", "#", "creator", "GMV", "orders", "conversion",
                    "CPA", "engagement", "rating");
            int rank = 0;
            for (CreatorRow c : s.topCreators()) {
                line(out, "%3d  %-24s %14s %8d %11s %10s %11s %7s", ++rank, cut(c.creatorId(), 24), money(c.gmv()),
                        c.orders(), percent(c.conversionRate()), money(c.cpa()), percent(c.engagementRate()),
                        rating(c.avgRating()));
            }
            out.append('\n');
            reviews(out, s);
            out.append('\n');
            matches(out, s);
        }
        out.append('\n');

        if (s.latestAlerts().isEmpty()) {
            line(out, "Latest alerts: none");
        } else {
            line(out, "Latest alerts");
            for (AlertRow a : s.latestAlerts()) {
                line(out, "  %-8s %-24s %-32s %s %s %s %s  window %s %s", a.state(), cut(a.ruleId(), 24),
                        cut(a.dimension() + " " + a.key(), 32), a.metric(), number(a.value()), a.op(),
                        number(a.threshold()), DAY_TIME.format(Instant.ofEpochMilli(a.windowStart())),
                        "(" + Durations.format(Duration.ofMillis(a.windowEnd() - a.windowStart())) + ")");
            }
        }
        return out.toString();
    }

    private static void reviews(StringBuilder out, Snapshot s) {
        ReviewScore p = s.program();
        if (p == null || s.reviewHourStart() == null) {
            line(out, "Review scores: no reviews yet");
            return;
        }
        String hour = s.reviewHourStart().equals(s.hourStart()) ? "same hour"
                : "hour " + hour(s.reviewHourStart()) + " UTC, the latest with reviews";
        line(out, "Review scores, %s: program %s of 5 from %,d review%s, %s negative (rating 1-2)", hour,
                rating(p.avgRating()), p.reviews(), p.reviews() == 1 ? "" : "s", percent(p.negativeReviewRate()));
        if (s.lowestRated().isEmpty()) return;
        line(out, "     %-32s %7s %8s %9s %8s", "lowest-rated products, " + RATED_REVIEWS + "+ reviews", "rating",
                "reviews", "negative", "clicks");
        for (ReviewScore r : s.lowestRated()) {
            line(out, "     %-32s %7s %8d %9s %8d", cut(r.key(), 32), rating(r.avgRating()), r.reviews(),
                    percent(r.negativeReviewRate()), r.clicks());
        }
    }

    private static void matches(StringBuilder out, Snapshot s) {
        if (s.bestMatches().isEmpty()) {
            line(out, "Best-converting niche x category, same hour: none with %d+ clicks yet",
                    AudienceMatch.MIN_CLICKS);
            return;
        }
        line(out, "Best-converting niche x category, same hour (%d+ clicks)", AudienceMatch.MIN_CLICKS);
        line(out, "%3s  %-32s %8s %8s %11s %14s", "#", "niche|category", "clicks", "orders", "conversion",
                "attributed GMV");
        int rank = 0;
        for (MatchRow m : s.bestMatches()) {
            line(out, "%3d  %-32s %8d %8d %11s %14s", ++rank, cut(m.key(), 32), m.clicks(), m.attributedOrders(),
                    percent(m.conversionRate()), money(m.attributedGmv()));
        }
    }

    /** An hourly window as {@code yyyy-MM-dd HH:mm-HH:mm} (UTC). */
    private static String hour(long start) {
        return DAY_TIME.format(Instant.ofEpochMilli(start)) + "-"
                + TIME.format(Instant.ofEpochMilli(start + Duration.ofHours(1).toMillis()));
    }

    private static void line(StringBuilder out, String format, Object... args) {
        out.append(String.format(Locale.ROOT, format, args)).append('\n');
    }

    static String elapsed(Duration d) {
        long s = d.toSeconds();
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    static String money(BigDecimal amount) {
        return amount == null ? "-" : String.format(Locale.ROOT, "%,.2f", amount);
    }

    static String rating(Double avg) {
        return avg == null ? "-" : String.format(Locale.ROOT, "%.2f", avg);
    }

    static String percent(Double rate) {
        return rate == null ? "-" : String.format(Locale.ROOT, "%.2f%%", rate * 100);
    }

    /** Two decimals from 1 up (money, counts); four significant digits below (rates). */
    static String number(Double value) {
        if (value == null) return "null";
        if (Math.abs(value) >= 1 || value == 0) return String.format(Locale.ROOT, "%.2f", value);
        return new BigDecimal(value).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }

    private static String cut(String text, int width) {
        if (text == null) return "-";
        return text.length() <= width ? text : text.substring(0, width - 1) + "~";
    }
}
