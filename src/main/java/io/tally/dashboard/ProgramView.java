package io.tally.dashboard;

import io.tally.alert.Alert;
import io.tally.alert.AlertState;
import io.tally.event.Dimension;
import io.tally.event.Metric;
import io.tally.io.DeadLetter;
import io.tally.kpi.AudienceMatch;
import io.tally.kpi.Kpi;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the dashboard shows of an affiliate program, folded from Tally's output topics: the latest record of each KPI
 * window (a compacted topic's view), the latest state of each alert, dead letters by stream and reason. Bounded: KPI
 * windows that ended more than a day before the newest one are dropped, and so are alerts resolved as long ago.
 *
 * <p>Fed by the topic reader's thread and read by the web server's: every public method holds the view's lock, and a
 * snapshot shares nothing mutable with it (records, once read, are never changed).
 */
public final class ProgramView {
    static final long MINUTE = Duration.ofMinutes(1).toMillis();
    static final long HOUR = Duration.ofHours(1).toMillis();
    static final long DAY = Duration.ofDays(1).toMillis();
    /** Metrics of the headline tiles, in the order shown. */
    static final List<Metric> TILES = List.of(Metric.GMV, Metric.ATTRIBUTED_GMV, Metric.COMMISSION, Metric.ORDERS,
            Metric.CPA, Metric.MARGIN_PER_ORDER, Metric.CONVERSION_RATE, Metric.NEW_CUSTOMER_RATE, Metric.AVG_RATING);
    /** How many niche x category pairs the page ranks ({@link AudienceMatch}). */
    static final int MATCHES = 10;
    /** Metrics of the one-minute series. */
    static final List<Metric> SERIES = List.of(Metric.VIEWS, Metric.CLICKS, Metric.ORDERS, Metric.GMV, Metric.COMMISSION);

    /** The latest record of each window, by its Kafka key. */
    private final Map<String, Kpi> windows = new HashMap<>();
    private final Map<String, Alert> alerts = new LinkedHashMap<>();
    private final Map<String, Long> deadLetters = new TreeMap<>();
    /** How far event time has come, as the records show it (see {@link #accept(Kpi)}). */
    private long newestEnd = Long.MIN_VALUE;
    private long evictedAt = Long.MIN_VALUE;

    public synchronized void accept(Kpi k) {
        if (k.windowEnd <= forgottenUpTo()) return;
        windows.put(k.kafkaKey(), k);
        // Event time as far as the records show it: the end of the newest minute, or the start of a longer window
        // (an open hour or day ends in the future).
        long shown = k.windowEnd - k.windowStart <= MINUTE ? k.windowEnd : k.windowStart;
        if (shown > newestEnd) {
            newestEnd = shown;
            // Evicting walks every window: once per minute of event time is enough to stay within a day and a minute.
            if (evictedAt == Long.MIN_VALUE || newestEnd - evictedAt >= MINUTE) evict();
        }
    }

    /** Windows ending at or before this are forgotten: a day before the newest window's end. */
    private long forgottenUpTo() {
        return newestEnd == Long.MIN_VALUE ? Long.MIN_VALUE : newestEnd - DAY;
    }

    public synchronized void accept(Alert a) {
        alerts.put(a.alertId, a);
    }

    public synchronized void accept(DeadLetter d) {
        deadLetters.merge(d.stream + " " + d.reason, 1L, Long::sum);
    }

    private void evict() {
        long before = forgottenUpTo();
        windows.values().removeIf(k -> k.windowEnd <= before);
        alerts.values().removeIf(a -> a.state == AlertState.RESOLVED && a.windowEnd <= before);
        evictedAt = newestEnd;
    }

    /** How many KPI windows are held (bounded by a day of windows). */
    synchronized int windowCount() {
        return windows.size();
    }

    /**
     * What the page shows.
     *
     * @param merchant null: the whole program (dimension ALL); else one merchant's own windows (dimension MERCHANT)
     */
    public synchronized Snapshot snapshot(String merchant, long nowMs) {
        Dimension program = merchant == null ? Dimension.ALL : Dimension.MERCHANT;
        String key = merchant == null ? Dimension.ALL_KEY : merchant;
        Map<String, List<Double>> minutes = series(program, key);
        return new Snapshot(tiles(program, key, HOUR), tiles(program, key, DAY), minutes,
                top(Dimension.CREATOR), top(Dimension.CONTENT), latest(Dimension.TIER, HOUR),
                latest(Dimension.FORMAT, HOUR), latest(Dimension.PRODUCT, HOUR), bestMatches(), alerts(merchant),
                new TreeMap<>(deadLetters), merchants(), eventsPerSecond(), newestEnd == Long.MIN_VALUE ? null : nowMs - newestEnd);
    }

    /** The merchants that have windows: what the merchant filter offers. */
    private List<String> merchants() {
        List<String> merchants = new ArrayList<>();
        for (Kpi k : windows.values()) {
            if (k.dimension() == Dimension.MERCHANT && !merchants.contains(k.key)) merchants.add(k.key);
        }
        merchants.sort(null);
        return merchants;
    }

    /** Views, engagements, clicks and orders per second in the newest one-minute window of the whole program. */
    private Double eventsPerSecond() {
        Kpi newest = null;
        for (Kpi k : windows.values()) {
            if (is(k, Dimension.ALL, Dimension.ALL_KEY, MINUTE) && (newest == null || k.windowStart > newest.windowStart)) {
                newest = k;
            }
        }
        if (newest == null) return null;
        return (newest.views + newest.likes + newest.comments + newest.shares + newest.clicks + newest.orders) / 60.0;
    }

    /** A headline tile: a metric of the current window and of the one before. (Public fields: written as JSON.) */
    public static final class Tile {
        public final String metric;
        public final Double value;
        public final Double previous;

        Tile(String metric, Double value, Double previous) {
            this.metric = metric;
            this.value = value;
            this.previous = previous;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Tile t && metric.equals(t.metric) && java.util.Objects.equals(value, t.value)
                    && java.util.Objects.equals(previous, t.previous);
        }

        @Override
        public int hashCode() {
            return metric.hashCode();
        }

        @Override
        public String toString() {
            return metric + "=" + value + " (before: " + previous + ")";
        }
    }

    /** What the page shows, as of one moment. (Public fields: written as JSON.) */
    public static final class Snapshot {
        public final List<Tile> hour;
        public final List<Tile> day;
        public final Map<String, List<Double>> minutes;
        public final List<Kpi> topCreators;
        public final List<Kpi> topContents;
        public final List<Kpi> tiers;
        public final List<Kpi> formats;
        public final List<Kpi> products;
        /** The hour's best-converting niche x category pairs (MATCH records), best first. */
        public final List<Kpi> matches;
        public final List<Alert> alerts;
        public final Map<String, Long> deadLetters;
        public final List<String> merchants;
        /** Events per second in the newest minute; null before any. */
        public final Double eventsPerSecond;
        /** How far the newest window's end trails the clock, in ms; null before any window. */
        public final Long lagMs;

        Snapshot(List<Tile> hour, List<Tile> day, Map<String, List<Double>> minutes, List<Kpi> topCreators,
                 List<Kpi> topContents, List<Kpi> tiers, List<Kpi> formats, List<Kpi> products, List<Kpi> matches,
                 List<Alert> alerts,
                 Map<String, Long> deadLetters, List<String> merchants, Double eventsPerSecond, Long lagMs) {
            this.hour = hour;
            this.day = day;
            this.minutes = minutes;
            this.topCreators = topCreators;
            this.topContents = topContents;
            this.tiers = tiers;
            this.formats = formats;
            this.products = products;
            this.matches = matches;
            this.alerts = alerts;
            this.deadLetters = deadLetters;
            this.merchants = merchants;
            this.eventsPerSecond = eventsPerSecond;
            this.lagMs = lagMs;
        }
    }

    private List<Tile> tiles(Dimension dimension, String key, long size) {
        Kpi current = null;
        for (Kpi k : windows.values()) {
            if (is(k, dimension, key, size) && (current == null || k.windowStart > current.windowStart)) current = k;
        }
        Kpi previous = current == null ? null : windows.get(current.dimension + "|" + key + "|"
                + (current.windowStart - size) + "|" + current.windowStart);
        List<Tile> tiles = new ArrayList<>();
        for (Metric m : TILES) {
            tiles.add(new Tile(m.wireName(), current == null ? null : current.value(m),
                    previous == null ? null : previous.value(m)));
        }
        return tiles;
    }

    /** The last hour of one-minute windows, oldest first, a value per minute (null where no record). */
    private Map<String, List<Double>> series(Dimension dimension, String key) {
        Map<String, List<Double>> series = new LinkedHashMap<>();
        long lastEnd = newestEnd == Long.MIN_VALUE ? 0 : newestEnd - Math.floorMod(newestEnd, MINUTE);
        for (Metric m : SERIES) {
            List<Double> values = new ArrayList<>();
            for (long end = lastEnd - HOUR + MINUTE; end <= lastEnd; end += MINUTE) {
                Kpi k = windows.get(dimension + "|" + key + "|" + (end - MINUTE) + "|" + end);
                values.add(k == null ? null : k.value(m));
            }
            series.put(m.wireName(), values);
        }
        return series;
    }

    /** The records of the newest hour window of a dimension. */
    private List<Kpi> latest(Dimension dimension, long size) {
        long start = Long.MIN_VALUE;
        for (Kpi k : windows.values()) {
            if (k.dimension() == dimension && k.windowEnd - k.windowStart == size) start = Math.max(start, k.windowStart);
        }
        List<Kpi> latest = new ArrayList<>();
        for (Kpi k : windows.values()) {
            if (k.dimension() == dimension && k.windowEnd - k.windowStart == size && k.windowStart == start) latest.add(k);
        }
        latest.sort(Comparator.comparing((Kpi k) -> k.key));
        return latest;
    }

    /** The hour's records of a dimension, by attributed GMV (highest first), then key. */
    private List<Kpi> top(Dimension dimension) {
        List<Kpi> top = latest(dimension, HOUR);
        top.sort(Comparator.comparingLong((Kpi k) -> -k.attributedGmvCents).thenComparing(k -> k.key));
        return top;
    }

    /** The hour's best-converting niche x category pairs ({@link AudienceMatch}). */
    private List<Kpi> bestMatches() {
        return AudienceMatch.best(latest(Dimension.MATCH, HOUR), MATCHES);
    }

    /** Firing alerts first, newest slot first; for a merchant, only the alerts of its own key. */
    private List<Alert> alerts(String merchant) {
        List<Alert> list = new ArrayList<>();
        for (Alert a : alerts.values()) {
            if (merchant == null || Dimension.MERCHANT.name().equals(a.dimension) && merchant.equals(a.key)) list.add(a);
        }
        list.sort(Comparator.comparing((Alert a) -> a.state != AlertState.FIRING)
                .thenComparing(Comparator.comparingLong((Alert a) -> a.windowStart).reversed())
                .thenComparing(a -> a.alertId));
        return list;
    }

    private static boolean is(Kpi k, Dimension dimension, String key, long size) {
        return k.dimension() == dimension && k.key.equals(key) && k.windowEnd - k.windowStart == size;
    }
}
