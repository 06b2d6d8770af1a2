package io.tally.local;

import io.tally.alert.Alert;
import io.tally.event.Dimension;
import io.tally.event.Money;
import io.tally.event.Stream;
import io.tally.io.InvalidRecordException;
import io.tally.io.Json;
import io.tally.kpi.AudienceMatch;
import io.tally.kpi.Kpi;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the live view has read from the output topics so far, folded into the state the dashboard shows. Fed one
 * record value at a time (the JSON of CONTRACT sections 3-6); not thread-safe.
 */
public final class DashboardModel {
    private static final long HOUR_MS = Duration.ofHours(1).toMillis();
    private static final Set<Dimension> SHOWN = EnumSet.of(Dimension.CREATOR, Dimension.MATCH);
    private static final Set<Dimension> REVIEWED = EnumSet.of(Dimension.ALL, Dimension.PRODUCT);
    private static final Comparator<Dashboard.CreatorRow> BY_GMV =
            Comparator.comparing(Dashboard.CreatorRow::gmv).reversed().thenComparing(Dashboard.CreatorRow::creatorId);
    /** Rated products only (avgRating is not null): lowest first, then the most reviewed, then key. */
    private static final Comparator<Dashboard.ReviewScore> LOWEST_RATING =
            Comparator.comparingDouble(Dashboard.ReviewScore::avgRating)
                    .thenComparing(Comparator.comparingLong(Dashboard.ReviewScore::reviews).reversed())
                    .thenComparing(Dashboard.ReviewScore::key);

    private long attributions;
    private long kpis;
    private long alerts;
    private long deadLetters;
    private long unreadable;
    /** The latest hour of the creators and the niche x category pairs. */
    private final LatestHour hour = new LatestHour();
    /**
     * The latest hour with reviews, of the program and the products: reviews come hours to weeks after orders, so the
     * current hour often has none yet.
     */
    private final LatestHour reviewHour = new LatestHour();
    /** Newest first. */
    private final Deque<Dashboard.AlertRow> latestAlerts = new ArrayDeque<>();

    /** Takes one record of an output stream; other streams are ignored. */
    public void accept(Stream stream, String value) {
        switch (stream) {
            case ATTRIBUTIONS -> attributions++;
            case DEAD_LETTERS -> deadLetters++;
            case KPIS -> {
                kpis++;
                Kpi kpi = read(Kpi.class, value);
                if (kpi != null) acceptKpi(kpi);
            }
            case ALERTS -> {
                alerts++;
                Alert alert = read(Alert.class, value);
                if (alert != null) acceptAlert(alert);
            }
            default -> { }
        }
    }

    /** Records of the KPI and alert topics that were not records of their stream (counted, otherwise skipped). */
    public long unreadable() {
        return unreadable;
    }

    public Dashboard.Snapshot snapshot(String bootstrapServers, Duration elapsed, long eventsProduced) {
        List<Dashboard.CreatorRow> top = new ArrayList<>();
        for (Kpi k : hour.records(Dimension.CREATOR)) top.add(new Dashboard.CreatorRow(k.key, Money.toDecimal(k.gmvCents),
                k.orders, k.conversionRate, k.cpaCents == null ? null : Money.toDecimal(k.cpaCents),
                k.engagementRate, k.avgRating));
        top.sort(BY_GMV);
        List<Kpi> all = reviewHour.records(Dimension.ALL);
        Dashboard.ReviewScore program = all.isEmpty() ? null : score(all.get(0));
        List<Dashboard.ReviewScore> lowest = new ArrayList<>();
        for (Kpi k : reviewHour.records(Dimension.PRODUCT)) {
            if (k.reviews >= Dashboard.RATED_REVIEWS) lowest.add(score(k));
        }
        lowest.sort(LOWEST_RATING);
        List<Dashboard.MatchRow> matches = new ArrayList<>();
        for (Kpi k : AudienceMatch.best(hour.records(Dimension.MATCH), Dashboard.MATCHES)) {
            matches.add(new Dashboard.MatchRow(k.key, k.clicks, k.attributedOrders, k.conversionRate,
                    Money.toDecimal(k.attributedGmvCents)));
        }
        return new Dashboard.Snapshot(bootstrapServers, elapsed, eventsProduced, attributions, kpis, alerts,
                deadLetters, hour.start, first(top, Dashboard.TOP_CREATORS), reviewHour.start, program,
                first(lowest, Dashboard.LOWEST_RATED), matches, new ArrayList<>(latestAlerts));
    }

    private <T> T read(Class<T> type, String value) {
        try {
            if (value != null) return Json.read(type, value.getBytes(StandardCharsets.UTF_8));
        } catch (InvalidRecordException e) {
            // fall through: a foreign record on an output topic must not stop the view
        }
        unreadable++;
        return null;
    }

    /**
     * Keeps the latest record of each key of the shown dimensions in the latest hourly window, and of the program and
     * products in the latest hourly window with reviews.
     */
    private void acceptKpi(Kpi k) {
        if (k.windowEnd - k.windowStart != HOUR_MS) return;
        if (REVIEWED.contains(k.dimension()) && k.reviews > 0) reviewHour.accept(k);
        if (SHOWN.contains(k.dimension())) hour.accept(k);
    }

    /**
     * The latest hourly window among the records taken, and its latest record of each dimension and key: a later hour
     * replaces it, an earlier one's records are ignored.
     */
    private static final class LatestHour {
        /** Null before the first record. */
        Long start;
        final Map<Dimension, Map<String, Kpi>> records = new EnumMap<>(Dimension.class);

        void accept(Kpi k) {
            if (start == null || k.windowStart > start) {
                start = k.windowStart;
                records.clear();
            } else if (k.windowStart < start) {
                return;
            }
            records.computeIfAbsent(k.dimension(), d -> new HashMap<>()).put(k.key, k);
        }

        List<Kpi> records(Dimension dimension) {
            return new ArrayList<>(records.getOrDefault(dimension, Map.of()).values());
        }
    }

    private static Dashboard.ReviewScore score(Kpi k) {
        return new Dashboard.ReviewScore(k.key, k.reviews, k.avgRating, k.negativeReviewRate, k.clicks);
    }

    private static <T> List<T> first(List<T> list, int n) {
        return list.size() > n ? list.subList(0, n) : list;
    }

    private void acceptAlert(Alert a) {
        latestAlerts.addFirst(new Dashboard.AlertRow(a.state.name(), a.ruleId, a.dimension, a.key, a.metric, a.op,
                a.value, a.threshold, a.windowStart, a.windowEnd));
        while (latestAlerts.size() > Dashboard.LATEST_ALERTS) latestAlerts.removeLast();
    }
}
