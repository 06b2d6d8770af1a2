package io.tally.alert;

import io.tally.config.ConfigLoader;
import io.tally.config.TallyConfig;
import io.tally.pipeline.Replay;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The four default rules of jobs/alerts.yaml on the streams of CONTRACT sections 1 to 5, end to end through the
 * replay command: a hand-built data set in which each rule fires once and resolves once, on keys of its own so that
 * the rules do not meet. (The fifth, review-score-drop, watches reviews, which this data set has none of: its
 * breaching is tested in ThresholdsTest and EvaluateAlertsTest.) Replay evaluates final
 * records only (no early firing), so every alert is decided when the watermark passes its slot.
 */
class AlertsReplayTest {
    private static final long M = 60_000;
    private static final long H = 60 * M;

    @TempDir
    static Path dir;

    /** Lines of each input stream, by ts (a stream out of order by more than the watermark bound would lose records). */
    private static final Map<String, List<Line>> INPUT = new TreeMap<>();

    private static List<String> alerts;

    private record Line(long ts, String json) {}

    private static void add(String stream, long ts, String json) {
        INPUT.computeIfAbsent(stream, s -> new ArrayList<>()).add(new Line(ts, json));
    }

    private static void view(String id, long ts, String creator, String content) {
        add("views", ts, "{\"eventId\":\"" + id + "\",\"ts\":" + ts + ",\"userId\":\"u-" + id + "\",\"creatorId\":\""
                + creator + "\",\"contentId\":\"" + content + "\",\"contentType\":\"VIDEO\"}");
    }

    private static void click(String id, long ts, String user, String creator, String product, String merchant) {
        add("clicks", ts, "{\"eventId\":\"" + id + "\",\"ts\":" + ts + ",\"userId\":\"" + user + "\",\"creatorId\":\""
                + creator + "\",\"contentId\":\"" + creator + "-video\",\"contentType\":\"VIDEO\",\"productId\":\""
                + product + "\",\"merchantId\":\"" + merchant + "\"}");
    }

    /** An order of one unit of {@code product} at 10.00. */
    private static void order(String id, long ts, String user, String product, String merchant) {
        add("orders", ts, "{\"orderId\":\"" + id + "\",\"ts\":" + ts + ",\"userId\":\"" + user + "\",\"merchantId\":\""
                + merchant + "\",\"lines\":[{\"lineId\":\"l1\",\"productId\":\"" + product
                + "\",\"quantity\":1,\"unitPrice\":10.00}]}");
    }

    @BeforeAll
    static void replay() throws Exception {
        viralSpike();
        stockOutWhilePromoted();
        cpaAboveMargin();
        conversionDrop();

        Path in = dir.resolve("in");
        Files.createDirectories(in);
        for (Map.Entry<String, List<Line>> e : INPUT.entrySet()) {
            List<String> lines = e.getValue().stream().sorted(Comparator.comparingLong(Line::ts)).map(Line::json)
                    .collect(Collectors.toList());
            Files.write(in.resolve(e.getKey() + ".jsonl"), lines, StandardCharsets.UTF_8);
        }
        TallyConfig config = ConfigLoader.load(Path.of("jobs/alerts.yaml"), Map.of());
        Replay.run(in, dir.resolve("out"), config, 2);
        alerts = Files.readAllLines(dir.resolve("out").resolve("alerts.jsonl"), StandardCharsets.UTF_8);
    }

    /**
     * viral-spike: CONTENT, 1m, views > 10 x the mean of the previous 30 slots that have a record, at least 100 views.
     * Content "clip" has 1 view a minute for 15 minutes (0 to 14: exactly ceil(30/2) slots of history), then 100
     * views in minute 15 (above 10 x 1 = 10), then 2 views in minute 16 (below the minimum sample).
     */
    private static void viralSpike() {
        for (int minute = 0; minute < 15; minute++) view("quiet-" + minute, minute * M + 1_000, "cv", "clip");
        for (int i = 0; i < 100; i++) view("spike-" + i, 15 * M + 100 * i, "cv", "clip");
        view("after-0", 16 * M + 1_000, "cv", "clip");
        view("after-1", 16 * M + 2_000, "cv", "clip");
    }

    /**
     * stock-out-while-promoted: PRODUCT, 1m, stock <= 0 while the product is clicked at least once. The kettle has 3
     * in stock, none from 2:05 and 20 again from 4:05 (the stock of a window is the one of the last version before its
     * end); it is clicked once in each of minutes 1 to 4.
     */
    private static void stockOutWhilePromoted() {
        add("products", 0, "{\"productId\":\"kettle\",\"ts\":0,\"merchantId\":\"m-k\",\"stock\":3}");
        add("products", 125_000, "{\"productId\":\"kettle\",\"ts\":125000,\"merchantId\":\"m-k\",\"stock\":0}");
        add("products", 245_000, "{\"productId\":\"kettle\",\"ts\":245000,\"merchantId\":\"m-k\",\"stock\":20}");
        for (int minute = 1; minute <= 4; minute++) {
            click("kettle-" + minute, minute * M + 10_000, "u-k", "ck", "kettle", "m-k");
        }
    }

    /**
     * cpa-above-margin: CREATOR, 1h, cpa > marginPerOrder, at least 5 attributed orders. Creator "ca" sends one shopper
     * to a mug (10.00, unit cost 8.00: a margin of 2.00 an order) under a 10% commission (1.00 an order); the shopper
     * orders 5 mugs in hour 0, when the merchant also pays "ca" a flat fee of 10.00: cpa = (5 x 1.00 + 10.00) / 5 =
     * 3.00 > 2.00. In hour 1, 5 more orders and no fee: cpa = 1.00.
     */
    private static void cpaAboveMargin() {
        add("products", 0, "{\"productId\":\"mug\",\"ts\":0,\"merchantId\":\"m-a\",\"unitCost\":8.00}");
        add("commission-rules", 0, "{\"ruleId\":\"m-a-10\",\"ts\":0,\"merchantId\":\"m-a\",\"rate\":0.1}");
        click("mug-click", 1_000, "u-a", "ca", "mug", "m-a");
        add("spend", 20 * M, "{\"eventId\":\"fee\",\"ts\":" + 20 * M
                + ",\"merchantId\":\"m-a\",\"creatorId\":\"ca\",\"amount\":10.00,\"kind\":\"FLAT_FEE\"}");
        for (int i = 0; i < 5; i++) {
            order("mug-" + i, (10 + i) * M, "u-a", "mug", "m-a");
            order("mug-" + (5 + i), H + (10 + i) * M, "u-a", "mug", "m-a");
        }
    }

    /**
     * conversion-drop: CREATOR, 1h, conversionRate < 0.5 x the mean of the previous 24 slots that have a rate, at least
     * 50 clicks. Creator "cd" converts 1 click in 1 in each of hours 0 to 11 (12 slots: exactly ceil(24/2)); in hour
     * 12, 4 orders from 50 clicks (0.08 < 0.5 x 1.0); hour 13 has no record at all, which resolves the alert. (4
     * orders stay below cpa-above-margin's minimum sample of 5.)
     */
    private static void conversionDrop() {
        for (int hour = 0; hour < 12; hour++) {
            click("lamp-" + hour, hour * H + 1_000, "u-d", "cd", "lamp", "m-d");
            order("lamp-" + hour, hour * H + 2_000, "u-d", "lamp", "m-d");
        }
        for (int i = 0; i < 50; i++) click("lamp-12-" + i, 12 * H + i * M, "u-d", "cd", "lamp", "m-d");
        for (int i = 0; i < 4; i++) order("lamp-12-" + i, 12 * H + (50 + i) * M, "u-d", "lamp", "m-d");
    }

    /** An alert line as the replay writes it; ts is the end of the slot that caused the change. */
    private static String alert(String alertId, String metric, String op, Object value, Object threshold, String state,
                                long windowStart, long windowEnd) {
        String[] id = alertId.split("\\|");
        return "{\"alertId\":\"" + alertId + "\",\"ruleId\":\"" + id[0] + "\",\"dimension\":\"" + id[1]
                + "\",\"key\":\"" + id[2] + "\",\"metric\":\"" + metric + "\",\"op\":\"" + op + "\",\"value\":" + value
                + ",\"threshold\":" + threshold + ",\"state\":\"" + state + "\",\"windowStart\":" + windowStart
                + ",\"windowEnd\":" + windowEnd + ",\"ts\":" + windowEnd + "}";
    }

    @Test
    void aViralSpikeFiresOnTheSpikeMinuteAndResolvesOnTheNext() {
        String id = "viral-spike|CONTENT|clip|" + 15 * M;
        assertThat(alerts).filteredOn(a -> a.contains("\"ruleId\":\"viral-spike\"")).containsExactlyInAnyOrder(
                alert(id, "views", ">", "100.0", "10.0", "FIRING", 15 * M, 16 * M),
                // the baseline now holds the spike: 10 x (15 x 1 + 100) / 16 = 71.875
                alert(id, "views", ">", "2.0", "71.875", "RESOLVED", 16 * M, 17 * M));
    }

    @Test
    void aStockOutFiresWhileTheProductIsClickedAndResolvesOnRestock() {
        String id = "stock-out-while-promoted|PRODUCT|kettle|" + 2 * M;
        assertThat(alerts).filteredOn(a -> a.contains("\"ruleId\":\"stock-out-while-promoted\"")).containsExactlyInAnyOrder(
                alert(id, "stock", "<=", "0.0", "0.0", "FIRING", 2 * M, 3 * M),
                alert(id, "stock", "<=", "20.0", "0.0", "RESOLVED", 4 * M, 5 * M));
    }

    @Test
    void aCpaAboveTheMarginPerOrderFiresAndResolvesInCurrencyUnits() {
        String id = "cpa-above-margin|CREATOR|ca|0";
        assertThat(alerts).filteredOn(a -> a.contains("\"ruleId\":\"cpa-above-margin\"")).containsExactlyInAnyOrder(
                alert(id, "cpa", ">", "3.0", "2.0", "FIRING", 0, H),
                alert(id, "cpa", ">", "1.0", "2.0", "RESOLVED", H, 2 * H));
    }

    @Test
    void aConversionDropFiresAgainstTheDaysHistoryAndResolvesOnAnHourWithoutARecord() {
        String id = "conversion-drop|CREATOR|cd|" + 12 * H;
        assertThat(alerts).filteredOn(a -> a.contains("\"ruleId\":\"conversion-drop\"")).containsExactlyInAnyOrder(
                alert(id, "conversionRate", "<", "0.08", "0.5", "FIRING", 12 * H, 13 * H),
                alert(id, "conversionRate", "<", "null", "null", "RESOLVED", 13 * H, 14 * H));
    }

    @Test
    void nothingElseFires() {
        assertThat(alerts).hasSize(8);
    }
}
