package io.tally.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.event.Dimension;
import io.tally.event.Stream;

import java.math.BigDecimal;
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

    private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

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
                JsonNode kpi = parse(value);
                if (kpi != null) acceptKpi(kpi);
            }
            case ALERTS -> {
                alerts++;
                JsonNode alert = parse(value);
                if (alert != null) acceptAlert(alert);
            }
            default -> { }
        }
    }

    /** Records of the KPI and alert topics that were not JSON objects (counted, otherwise skipped). */
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

    private JsonNode parse(String value) {
        try {
            JsonNode node = value == null ? null : json.readTree(value);
            if (node != null && node.isObject()) return node;
        } catch (JsonProcessingException e) {
            // fall through: a foreign record on an output topic must not stop the view
        }
        unreadable++;
        return null;
    }

    /** Keeps the latest record of each creator in the latest hourly window; an older window's records are ignored. */
    private void acceptKpi(JsonNode k) {
        if (!Dimension.CREATOR.name().equals(k.path("dimension").asText())) return;
        long start = k.path("windowStart").asLong();
        if (k.path("windowEnd").asLong() - start != HOUR_MS) return;
        if (hourStart == null || start > hourStart) {
            hourStart = start;
            hourCreators.clear();
        } else if (start < hourStart) {
            return;
        }
        String creator = k.path("key").asText();
        BigDecimal gmv = decimal(k, "gmv");
        hourCreators.put(creator, new Dashboard.CreatorRow(creator, gmv == null ? BigDecimal.ZERO : gmv,
                k.path("orders").asLong(),
                rate(k, "conversionRate"), decimal(k, "cpa"), rate(k, "engagementRate")));
    }

    private void acceptAlert(JsonNode a) {
        latestAlerts.addFirst(new Dashboard.AlertRow(a.path("state").asText(), a.path("ruleId").asText(),
                a.path("dimension").asText(), a.path("key").asText(), a.path("metric").asText(),
                a.path("op").asText(), rate(a, "value"), rate(a, "threshold"), a.path("windowStart").asLong(),
                a.path("windowEnd").asLong()));
        while (latestAlerts.size() > Dashboard.LATEST_ALERTS) latestAlerts.removeLast();
    }

    private static BigDecimal decimal(JsonNode record, String field) {
        JsonNode n = record.get(field);
        return n == null || !n.isNumber() ? null : n.decimalValue();
    }

    private static Double rate(JsonNode record, String field) {
        JsonNode n = record.get(field);
        return n == null || !n.isNumber() ? null : n.doubleValue();
    }
}
