package io.tally.kpi;

import io.tally.event.Click;
import io.tally.event.CommissionRule;
import io.tally.event.ContentType;
import io.tally.event.Creator;
import io.tally.event.Engagement;
import io.tally.event.EngagementKind;
import io.tally.event.Order;
import io.tally.event.OrderLine;
import io.tally.event.OrderUpdate;
import io.tally.event.Product;
import io.tally.event.Review;
import io.tally.event.Spend;
import io.tally.event.SpendKind;
import io.tally.event.UpdateKind;
import io.tally.event.View;
import io.tally.connect.RecordReader;
import io.tally.io.InvalidRecordException;
import io.tally.io.Json;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static io.tally.kpi.KpiFixtures.DAY;
import static io.tally.kpi.KpiFixtures.MINUTE;

/**
 * A small seeded replay data set for the KPI reference test: 50 minutes around a day boundary, few creators,
 * contents, products and users so that keys collide, bursts of events at exactly a minute boundary and 1 ms before
 * it, creator versions crossing tier limits (one creator with no version: UNKNOWN), product versions with and without
 * stock, multi-line orders (the same product on two lines), cancels and partial, full and excessive refunds, exact
 * duplicates and a few invalid lines. Creators have niches and products categories, which some versions change or
 * drop (UNKNOWN; creator c5 starts without a niche, c6 has no version, product p6 never has a category). Reviews (CONTRACT section 8) of orders' products at
 * delays from 0 to beyond the settlement window (exactly at its end, 1 ms after it, 1 ms before the order), of
 * products the order does not have, of unknown orders and without an order; they reach 40 days past the order
 * window. Every stream is out of order by at most 2 s (the watermark bound is 5 s), so nothing is LATE.
 *
 * <p>The typed lists hold each valid, distinct record once: what the pipeline counts after parsing and deduplication.
 */
final class KpiDataSet {
    static final long DAY_BOUNDARY = 20_000L * DAY;
    static final long START = DAY_BOUNDARY - 25 * MINUTE;
    static final long END = DAY_BOUNDARY + 25 * MINUTE;
    /** Followers on both sides of every tier limit. */
    private static final long[] FOLLOWERS = {5_000, 9_999, 10_000, 99_999, 100_000, 499_999, 500_000, 999_999,
            1_000_000, 3_000_000};
    private static final String[] FORMATS = {"REVIEW", "HUMOR", "TUTORIAL", "OTHER"};
    private static final int CREATORS = 7; // c6 never gets a version
    private static final int CONTENTS = 14;
    private static final int PRODUCTS = 9;
    private static final int MERCHANTS = 3;
    private static final int USERS = 10;
    private static final String[] NICHES = {"BEAUTY", "FITNESS", "GAMING"};
    private static final String[] CATEGORIES = {"SKINCARE", "SPORT", "TOYS", "HOME"};
    static final long SETTLEMENT = 30 * DAY;

    final List<Creator> creators = new ArrayList<>();
    final List<Product> products = new ArrayList<>();
    final List<CommissionRule> rules = new ArrayList<>();
    final List<View> views = new ArrayList<>();
    final List<Engagement> engagements = new ArrayList<>();
    final List<Click> clicks = new ArrayList<>();
    final List<Order> orders = new ArrayList<>();
    final List<OrderUpdate> updates = new ArrayList<>();
    final List<Spend> spend = new ArrayList<>();
    final List<Review> reviews = new ArrayList<>();
    /** File lines by stream wire name, in file order, with duplicates and invalid lines. */
    final Map<String, List<String>> lines = new LinkedHashMap<>();
    int boundaryEvents;
    int duplicates;
    /** Reviews of an order's product at exactly T + settlement window, and 1 ms after it. */
    int reviewsAtSettlementEnd;
    int reviewsAfterSettlement;

    private final Random rnd;
    /**
     * Draws of what v1.2 added (niches, categories, reviews), apart from {@link #rnd}: the events of v1.1 stay as they
     * were for the same seed.
     */
    private final Random more;
    private final Set<String> versionKeys = new HashSet<>();
    /** Recent (user, product) pairs of clicks and views, where orders come from. */
    private final List<String[]> touches = new ArrayList<>();
    private int ids;

    private KpiDataSet(long seed) {
        this.rnd = new Random(seed);
        this.more = new Random(seed * 31 + 7);
    }

    static KpiDataSet generate(long seed) {
        KpiDataSet d = new KpiDataSet(seed);
        d.referenceData();
        long t = START;
        while (t < END) {
            long next = t + d.rnd.nextInt(2_000);
            long boundary = Math.floorDiv(next, MINUTE) * MINUTE;
            if (boundary > t) {
                // A burst at exactly the boundary and 1 ms before it (both within 2 s of next).
                int n = 3 + d.rnd.nextInt(4);
                for (int i = 0; i < n; i++) d.event(boundary - d.rnd.nextInt(2));
                d.boundaryEvents += n;
            }
            t = next;
            d.event(t - d.rnd.nextInt(2_001));
        }
        d.reviews();
        d.line("views", "not json");
        d.line("clicks", "{}");
        d.line("orders", "{\"orderId\":\"bad\",\"ts\":" + END + ",\"userId\":\"u1\",\"merchantId\":\"m0\",\"lines\":[]}");
        return d;
    }

    /**
     * The data set of replay input files written elsewhere (Tally's generator): the valid records of each stream the
     * KPIs read, the first of each event id only (the pipeline drops the rest as duplicates; the count is kept).
     */
    static KpiDataSet read(Path dir) throws IOException {
        KpiDataSet d = new KpiDataSet(0);
        for (io.tally.event.Stream stream : io.tally.event.Stream.values()) {
            Path file = dir.resolve(stream.wireName() + ".jsonl");
            if (!stream.isInput() || !Files.exists(file)) continue;
            Set<String> seen = new HashSet<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                io.tally.event.Record r;
                try {
                    r = Json.read(RecordReader.recordType(stream), line.getBytes(StandardCharsets.UTF_8));
                } catch (InvalidRecordException e) {
                    continue;
                }
                if (r instanceof io.tally.event.Event e && !seen.add(e.id())) {
                    d.duplicates++;
                    continue;
                }
                if (r instanceof View v) d.views.add(v);
                else if (r instanceof Engagement e) d.engagements.add(e);
                else if (r instanceof Click c) d.clicks.add(c);
                else if (r instanceof Order o) d.orders.add(o);
                else if (r instanceof OrderUpdate u) d.updates.add(u);
                else if (r instanceof Spend s) d.spend.add(s);
                else if (r instanceof Review v) d.reviews.add(v);
                else if (r instanceof Creator c) d.creators.add(c);
                else if (r instanceof Product p) d.products.add(p);
                else if (r instanceof CommissionRule c) d.rules.add(c);
                // alert rules: not the KPIs' business
            }
        }
        return d;
    }

    void writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, List<String>> e : lines.entrySet()) {
            Files.write(dir.resolve(e.getKey() + ".jsonl"), e.getValue(), StandardCharsets.UTF_8);
        }
    }

    static String creatorId(int i) {
        return "c" + i;
    }

    static String creatorOfContent(String contentId) {
        return creatorId(Integer.parseInt(contentId.substring(1)) % CREATORS);
    }

    static String formatOfContent(String contentId) {
        return FORMATS[Integer.parseInt(contentId.substring(1)) % FORMATS.length];
    }

    static String merchantOfProduct(String productId) {
        return "m" + Integer.parseInt(productId.substring(1)) % MERCHANTS;
    }

    private void referenceData() {
        long before = START - DAY;
        for (int i = 0; i < CREATORS - 1; i++) {
            creator(new Creator(creatorId(i), before, pick(FOLLOWERS), "uc" + i, i == 5 ? null : NICHES[i % NICHES.length]));
        }
        for (int i = 0; i < PRODUCTS; i++) {
            Long unitCost = i == 8 ? null : 50L + rnd.nextInt(1_000);
            Long stock = i == 7 ? null : (long) rnd.nextInt(500);
            String category = i == 6 ? null : CATEGORIES[i % CATEGORIES.length];
            product(new Product("p" + i, before, merchantOfProduct("p" + i), category, 100L + rnd.nextInt(3_000),
                    unitCost, stock));
        }
        rule("r-m0", before, "m0", null, null, "0.10", null);
        rule("r-m1", before, "m1", null, null, "0.05", "0.01");
        rule("r-m2", before, "m2", null, null, "0.08", null);
        rule("r-p3", before, "m0", "p3", null, "0.20", null);
        rule("r-c2", before, "m2", null, "c2", "0.15", null);
    }

    private void event(long ts) {
        int dice = rnd.nextInt(100);
        if (dice < 33) view(ts);
        else if (dice < 50) engagement(ts);
        else if (dice < 70) click(ts);
        else if (dice < 82) order(ts);
        else if (dice < 90) update(ts);
        else if (dice < 95) spend(ts);
        else if (dice < 98) creatorVersion(ts);
        else productVersion(ts);
    }

    private void view(long ts) {
        String content = content();
        int n = rnd.nextInt(4);
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < n; i++) shown.add(product());
        String[] distinct = shown.stream().distinct().toArray(String[]::new);
        View v = new View(id("e"), ts, user(), creatorOfContent(content), content, type(), format(content), distinct);
        views.add(v);
        for (String p : distinct) touches.add(new String[] {v.userId, p});
        // The file may list a product twice: the parser keeps it once.
        View written = new View(v.eventId, v.ts, v.userId, v.creatorId, v.contentId, v.contentType, v.contentFormat,
                shown.toArray(new String[0]));
        if (n == 0 && rnd.nextBoolean()) written.productIds = null;
        event("views", Json.write(written));
        if (v.contentFormat == null) v.contentFormat = "OTHER";
    }

    private void engagement(long ts) {
        String content = content();
        Engagement e = new Engagement(id("g"), ts, user(), creatorOfContent(content), content, type(),
                format(content), EngagementKind.values()[rnd.nextInt(3)]);
        engagements.add(e);
        event("engagements", Json.write(e));
        if (e.contentFormat == null) e.contentFormat = "OTHER";
    }

    private void click(long ts) {
        String content = content();
        String product = product();
        Click c = new Click(id("k"), ts, user(), creatorOfContent(content), content, type(), product,
                merchantOfProduct(product), format(content));
        clicks.add(c);
        touches.add(new String[] {c.userId, product});
        event("clicks", Json.write(c));
        if (c.contentFormat == null) c.contentFormat = "OTHER";
    }

    private void order(long ts) {
        String user;
        String first;
        if (!touches.isEmpty() && rnd.nextInt(4) > 0) {
            String[] touch = touches.get(touches.size() - 1 - rnd.nextInt(Math.min(40, touches.size())));
            user = touch[0];
            first = touch[1];
        } else {
            user = user();
            first = product();
        }
        String merchant = merchantOfProduct(first);
        int n = 1 + rnd.nextInt(3);
        OrderLine[] lines = new OrderLine[n];
        for (int i = 0; i < n; i++) {
            String product = i == 0 ? first : rnd.nextBoolean() ? first : productOf(merchant);
            long quantity = 1 + rnd.nextInt(3);
            long unitPrice = rnd.nextInt(20) == 0 ? 0 : 1 + rnd.nextInt(5_000);
            long discount = rnd.nextInt(4) == 0 ? rnd.nextInt((int) (quantity * unitPrice) + 1) : 0;
            lines[i] = new OrderLine("l" + i, product, quantity, unitPrice, discount);
        }
        Order o = new Order(id("o"), ts, user, merchant, lines);
        orders.add(o);
        event("orders", Json.write(o));
    }

    private void update(long ts) {
        OrderUpdate u;
        if (orders.isEmpty() || rnd.nextInt(20) == 0) {
            u = new OrderUpdate(id("x"), ts, "o-unknown", "l0", UpdateKind.CANCEL, null);
        } else {
            Order o = orders.get(orders.size() - 1 - rnd.nextInt(Math.min(60, orders.size())));
            OrderLine l = o.lines[rnd.nextInt(o.lines.length)];
            int kind = rnd.nextInt(10);
            if (kind < 3) {
                u = new OrderUpdate(id("x"), ts, o.orderId, l.lineId, UpdateKind.CANCEL, null);
            } else if (kind < 5) {
                u = new OrderUpdate(id("x"), ts, o.orderId, l.lineId, UpdateKind.REFUND, null);
            } else {
                long amount = 1 + rnd.nextInt((int) Math.max(1, l.lineAmountCents() / 2 + 200));
                u = new OrderUpdate(id("x"), ts, o.orderId, l.lineId, UpdateKind.REFUND, amount);
            }
        }
        updates.add(u);
        event("order-updates", Json.write(u));
    }

    private void spend(long ts) {
        Spend s = new Spend(id("s"), ts, "m" + rnd.nextInt(MERCHANTS), creatorId(rnd.nextInt(CREATORS)),
                rnd.nextInt(20_000), SpendKind.values()[rnd.nextInt(SpendKind.values().length)]);
        spend.add(s);
        event("spend", Json.write(s));
    }

    private void creatorVersion(long ts) {
        int i = rnd.nextInt(CREATORS - 1);
        creator(new Creator(creatorId(i), ts, pick(FOLLOWERS), "uc" + i, maybe(NICHES)));
    }

    private void productVersion(long ts) {
        String p = product();
        Long stock = rnd.nextInt(4) == 0 ? null : (long) rnd.nextInt(500);
        product(new Product(p, ts, merchantOfProduct(p), p.equals("p6") ? null : maybe(CATEGORIES), null, 100L, stock));
    }

    /** One of the values, or null (the version has none: UNKNOWN). */
    private String maybe(String[] values) {
        int i = more.nextInt(values.length + 1);
        return i == values.length ? null : values[i];
    }

    /**
     * Reviews, written in ts order (they span 40 days; nothing is late): about two of three orders get one of a line's
     * product at a delay drawn from a menu around the settlement window's bounds, some of a product the order does
     * not have; others name an unknown order or none.
     */
    private void reviews() {
        long[] delays = {0, 1, 1_500, 3 * MINUTE, 2 * 60 * MINUTE, 3 * DAY, 29 * DAY, SETTLEMENT, SETTLEMENT + 1,
                31 * DAY, -1};
        List<Review> drawn = new ArrayList<>();
        for (Order o : orders) {
            if (more.nextInt(3) == 0) continue;
            int reviewsOfOrder = 1 + (more.nextInt(4) == 0 ? 1 : 0);
            for (int n = 0; n < reviewsOfOrder; n++) {
                long delay = delays[more.nextInt(delays.length)];
                if (delay == SETTLEMENT) reviewsAtSettlementEnd++;
                if (delay == SETTLEMENT + 1) reviewsAfterSettlement++;
                String product = more.nextInt(8) == 0 ? "p" + more.nextInt(PRODUCTS)
                        : o.lines[more.nextInt(o.lines.length)].productId;
                drawn.add(new Review(null, o.ts + delay, o.userId, product, merchantOfProduct(product),
                        1 + more.nextInt(5), o.orderId));
            }
        }
        for (int n = 0; n < 120; n++) {
            String product = "p" + more.nextInt(PRODUCTS);
            long ts = START + (long) (more.nextDouble() * (END - START + 40 * DAY));
            String order = more.nextInt(6) == 0 ? "o-unknown" : null;
            drawn.add(new Review(null, ts, "u" + more.nextInt(USERS), product, merchantOfProduct(product),
                    1 + more.nextInt(5), order));
        }
        drawn.sort(Comparator.comparingLong(r -> r.ts));
        // A rating out of range (INVALID_VALUE), at the first review's ts.
        line("reviews", "{\"eventId\":\"r-bad\",\"ts\":" + drawn.get(0).ts + ",\"userId\":\"u1\","
                + "\"productId\":\"p1\",\"merchantId\":\"m1\",\"rating\":6}");
        int i = 0;
        for (Review r : drawn) {
            r.eventId = "r" + (i++);
            reviews.add(r);
            line("reviews", Json.write(r));
            if (more.nextInt(30) == 0) {
                line("reviews", Json.write(r));
                duplicates++;
            }
        }
    }

    private void creator(Creator c) {
        if (!versionKeys.add("creator|" + c.creatorId + "|" + c.ts)) return; // one version per ts
        creators.add(c);
        line("creators", Json.write(c));
    }

    private void product(Product p) {
        if (!versionKeys.add("product|" + p.productId + "|" + p.ts)) return;
        products.add(p);
        line("products", Json.write(p));
    }

    private void rule(String id, long ts, String merchant, String product, String creator, String rate, String bonus) {
        CommissionRule r = new CommissionRule();
        r.ruleId = id;
        r.ts = ts;
        r.merchantId = merchant;
        r.productId = product;
        r.creatorId = creator;
        r.rate = new BigDecimal(rate);
        r.bonusRate = bonus == null ? null : new BigDecimal(bonus);
        rules.add(r);
        line("commission-rules", Json.write(r));
    }

    /** An event line, sometimes written twice (an exact duplicate the pipeline drops). */
    private void event(String stream, String json) {
        line(stream, json);
        if (rnd.nextInt(30) == 0) {
            line(stream, json);
            duplicates++;
        }
    }

    private void line(String stream, String json) {
        lines.computeIfAbsent(stream, s -> new ArrayList<>()).add(json);
    }

    private String id(String prefix) {
        return prefix + (ids++);
    }

    private String user() {
        // Creators' own accounts shop too (self-purchases).
        return rnd.nextInt(10) == 0 ? "uc" + rnd.nextInt(CREATORS - 1) : "u" + rnd.nextInt(USERS);
    }

    private String content() {
        return "v" + rnd.nextInt(CONTENTS);
    }

    private String product() {
        return "p" + rnd.nextInt(PRODUCTS);
    }

    private String productOf(String merchant) {
        int m = Integer.parseInt(merchant.substring(1));
        return "p" + (m + MERCHANTS * rnd.nextInt(PRODUCTS / MERCHANTS));
    }

    private ContentType type() {
        return rnd.nextBoolean() ? ContentType.VIDEO : ContentType.LIVE;
    }

    /** The content's format; for OTHER, sometimes left out (the parser's default). */
    private String format(String content) {
        String f = formatOfContent(content);
        return f.equals("OTHER") && rnd.nextBoolean() ? null : f;
    }

    private long pick(long[] values) {
        return values[rnd.nextInt(values.length)];
    }
}
