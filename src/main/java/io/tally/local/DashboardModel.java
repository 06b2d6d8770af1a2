package io.tally.local;

import io.tally.alert.Alert;
import io.tally.event.Dimension;
import io.tally.event.Money;
import io.tally.event.Stream;
import io.tally.io.InvalidRecordException;
import io.tally.io.Json;
import io.tally.kpi.Kpi;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the live view has read from the output topics so far, folded into the state the dashboard shows. Fed one
 * record value at a time (the JSON of CONTRACT sections 3-6); not thread-safe.
 */
public final class DashboardModel {
    private static final long HOUR_MS = Duration.ofHours(1).toMillis();
    private static final Comparator<Dashboard.CreatorRow> BY_GMV =
            Comparator.comparing(Dashboard.CreatorRow::gmv).reversed().thenComparing(Dashboard.CreatorRow::creatorId);

    private long attributions;
    private long kpis;
    private long alerts;
    private long deadLetters;
    private long unreadable;
    /** Start of the latest hourly CREATOR window seen, and its creators' latest records by creatorId. */
    private Long hourStart;
    private final Map<String, Dashboard.CreatorRow> hourCreators = new HashMap<>();
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
        List<Dashboard.CreatorRow> top = new ArrayList<>(hourCreators.values());
        top.sort(BY_GMV);
        if (top.size() > Dashboard.TOP_CREATORS) top = top.subList(0, Dashboard.TOP_CREATORS);
        return new Dashboard.Snapshot(bootstrapServers, elapsed, eventsProduced, attributions, kpis, alerts,
                deadLetters, hourStart, top, new ArrayList<>(latestAlerts));
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

    /** Keeps the latest record of each creator in the latest hourly window; an older window's records are ignored. */
    private void acceptKpi(Kpi k) {
        if (k.dimension() != Dimension.CREATOR || k.windowEnd - k.windowStart != HOUR_MS) return;
        if (hourStart == null || k.windowStart > hourStart) {
            hourStart = k.windowStart;
            hourCreators.clear();
        } else if (k.windowStart < hourStart) {
            return;
        }
        hourCreators.put(k.key, new Dashboard.CreatorRow(k.key, Money.toDecimal(k.gmvCents), k.orders,
                k.conversionRate, k.cpaCents == null ? null : Money.toDecimal(k.cpaCents), k.engagementRate));
    }

    private void acceptAlert(Alert a) {
        latestAlerts.addFirst(new Dashboard.AlertRow(a.state.name(), a.ruleId, a.dimension, a.key, a.metric, a.op,
                a.value, a.threshold, a.windowStart, a.windowEnd));
        while (latestAlerts.size() > Dashboard.LATEST_ALERTS) latestAlerts.removeLast();
    }
}
