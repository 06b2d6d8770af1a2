package io.tally.reference;

import io.tally.attribution.AttributionSettings;
import io.tally.config.TallyConfig;
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
import io.tally.event.Spend;
import io.tally.event.SpendKind;
import io.tally.event.Stream;
import io.tally.event.UpdateKind;
import io.tally.event.View;
import io.tally.io.Json;
import io.tally.reference.ReferenceAttribution.Input;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.ToLongFunction;

/**
 * Seeded generator of small but nasty attribution data sets: few users, products, creators and merchants so that
 * touches collide; clicks and views exactly on window boundaries and on the same ts; multi-line orders, some with
 * zero amounts; rule versions of every specificity with bonuses, validUntil, deletions and ties; creator versions
 * crossing tiers; products with and without unit cost; self-purchases; a few large amounts and long rates; cancels
 * and refunds (partial, cumulative, over-refunds, at and after settlement, unknown order or line, before the order);
 * ids used again exactly at and just beyond their dedup horizon; exact re-sends of events.
 *
 * <p>{@link #write} then lays a data set out as replay input in one of many arrival orders, each stream out of order
 * by less than {@link #MAX_DISORDER_MS}, below the 5 s watermark bound, so that no record is LATE.
 */
public final class RandomDataSet {
    static final long SECOND = 1000;
    static final long MINUTE = 60 * SECOND;
    static final long HOUR = 60 * MINUTE;
    static final long DAY = 24 * HOUR;
    /** Start of the generated activity. */
    static final long BASE = 1_700_000_000_000L;
    /** Orders fall in [BASE, BASE + SPAN). */
    static final long SPAN = 20 * DAY;
    /** How far behind its stream's greatest ts so far a record may arrive. */
    static final long MAX_DISORDER_MS = 4000;

    private static final String[] USERS = {"u1", "u2", "u3", "u4"};
    private static final String[] MERCHANTS = {"m1", "m2"};
    private static final Map<String, String> MERCHANT_OF = Map.of("p1", "m1", "p2", "m1", "p5", "m1", "p3", "m2", "p4", "m2");
    private static final String[] PRODUCTS = {"p1", "p2", "p3", "p4", "p5"};
    private static final String[] CREATORS = {"c1", "c2", "c3", "c4"};
    private static final Map<String, String[]> CONTENTS = Map.of(
            "c1", new String[] {"v1", "v2"}, "c2", new String[] {"v3"}, "c3", new String[] {"v4", "v5"},
            "c4", new String[] {"v6"});
    private static final Map<String, String> FORMAT_OF = Map.of(
            "v1", "TUTORIAL", "v2", "HUMOR", "v3", "REVIEW", "v4", "TUTORIAL", "v5", "REVIEW", "v6", "UNBOXING");
    private static final String[] FORMATS = {"TUTORIAL", "HUMOR", "REVIEW", "UNBOXING"};
    /** Tier boundaries and both sides of them. */
    private static final long[] FOLLOWERS = {0, 9_999, 10_000, 99_999, 100_000, 499_999, 500_000, 999_999, 1_000_000,
            5_000_000};
    /** Rates, a few with many decimals so that only exact decimal arithmetic gets the cents right. */
    private static final String[] RATES = {"0", "0.01", "0.05", "0.075", "0.1", "0.125", "0.15", "0.2", "0.333", "0.5",
            "0.123456789", "0.0333333333333333333"};
    private static final String[] BONUSES = {"0.01", "0.02", "0.025", "0.05"};
    /** Unit prices in cents, odd ones so that weights and rates meet half cents. */
    private static final long[] PRICES = {0, 1, 3, 5, 25, 99, 125, 1999, 1234, 2501};

    private final Random rnd;
    private final AttributionSettings settings;
    private final Input in = new Input();
    // The configuration's boundaries, in ms: the generator puts events right on them.
    private final long clickWindow;
    private final long viewWindow;
    private final long halfLife;
    private final long settlement;
    private final long orderMemory;
    private final long customerHorizon;
    /** Order times, and the instants right around them, where versions are most interesting. */
    private final List<Long> orderTimes = new ArrayList<>();
    private int clickIds;
    private int viewIds;
    private int updateIds;

    private RandomDataSet(long seed, AttributionSettings settings) {
        this.rnd = new Random(seed);
        this.settings = settings;
        this.clickWindow = settings.clickWindow.toMillis();
        this.viewWindow = settings.viewWindow.toMillis();
        this.halfLife = settings.halfLife.toMillis();
        this.settlement = settings.settlementWindow.toMillis();
        this.orderMemory = settings.orderMemory.toMillis();
        this.customerHorizon = settings.customerHorizon.toMillis();
    }

    /** A new data set with events on the default configuration's boundaries; the same seed gives the same data. */
    public static Input generate(long seed) {
        return generate(seed, new TallyConfig().attribution);
    }

    /** A new data set with events on the boundaries of the given configuration. */
    public static Input generate(long seed, AttributionSettings settings) {
        RandomDataSet g = new RandomDataSet(seed, settings);
        g.chooseOrderTimes();
        g.creators();
        g.products();
        g.rules();
        g.orders();
        g.customerHorizon();
        g.noise();
        g.resends();
        return g.in;
    }

    // ---- reference data ----

    private void chooseOrderTimes() {
        int n = 18 + rnd.nextInt(10);
        for (int i = 0; i < n; i++) {
            long t;
            if (i > 0 && rnd.nextInt(5) == 0) t = pick(orderTimes); // same ts as another order
            else if (i > 0 && rnd.nextInt(6) == 0) t = pick(orderTimes) + 1 + rnd.nextInt(3000);
            else t = BASE + rnd.nextLong(SPAN);
            orderTimes.add(t);
        }
    }

    /** An instant where a version change matters most: at, just after or just before an order, or anywhere. */
    private long interestingTime() {
        switch (rnd.nextInt(4)) {
            case 0: return pick(orderTimes);
            case 1: return pick(orderTimes) + 1;
            case 2: return pick(orderTimes) - 1;
            default: return BASE + rnd.nextLong(SPAN);
        }
    }

    private void creators() {
        for (String c : new String[] {"c1", "c2", "c3"}) { // c4 never has a version: tier UNKNOWN
            Set<Long> used = new HashSet<>();
            // c1 shops as u1, and c3 sometimes as u3: self-purchases.
            String userId = c.equals("c1") ? "u1" : c.equals("c3") && rnd.nextBoolean() ? "u3" : null;
            long first = c.equals("c3") ? interestingTime() : BASE - 30 * DAY; // c3 UNKNOWN before its first version
            used.add(first);
            in.creators.add(new Creator(c, first, pick(FOLLOWERS), userId, "beauty"));
            int later = rnd.nextInt(4);
            for (int i = 0; i < later; i++) {
                long ts = interestingTime();
                if (!used.add(ts)) continue;
                // c2 starts shopping as u2 in some later version; others may drop or keep theirs.
                String user = c.equals("c2") ? (rnd.nextBoolean() ? "u2" : null) : userId;
                in.creators.add(new Creator(c, ts, pick(FOLLOWERS), user, rnd.nextBoolean() ? "tech" : null));
            }
        }
    }

    private void products() {
        for (String p : new String[] {"p1", "p2", "p3", "p4"}) { // p5 never has a version: margin null
            Set<Long> used = new HashSet<>();
            long first = BASE - 30 * DAY;
            used.add(first);
            Long cost = p.equals("p2") ? null : Long.valueOf(rnd.nextInt(800));
            in.products.add(new Product(p, first, MERCHANT_OF.get(p), "cat", 1000L, cost, 10L));
            int later = rnd.nextInt(3);
            for (int i = 0; i < later; i++) {
                long ts = interestingTime();
                if (!used.add(ts)) continue;
                Long c = rnd.nextInt(3) == 0 ? null : Long.valueOf(rnd.nextInt(2000));
                in.products.add(new Product(p, ts, MERCHANT_OF.get(p), "cat", null, c, (long) rnd.nextInt(5)));
            }
        }
    }

    private void rules() {
        long start = BASE - 30 * DAY;
        // Two merchant-only rules at the same ts: the greater ruleId wins ("r7" > "r1", and "r2" > "r10").
        rule("r1", start, "m1", null, null);
        rule("r7", start, "m1", null, null);
        rule("r2", start, "m2", null, null);
        rule("r10", start, "m2", null, null);
        rule("r3", start, "m1", "p1", null);
        rule("r4", start, "m1", null, "c1");
        rule("r5", start, "m1", "p1", "c2");
        rule("r6", start, "m2", "p3", "c3");
        rule("r8", interestingTime(), "m1", "p2", null);
        rule("r9", start, "m2", null, "c4");
        rule("r11", interestingTime(), "m2", "p4", "c1");
    }

    /** A rule's first version and 0..3 later ones: rate changes, bonuses with validUntil, deletions, moves. */
    private void rule(String ruleId, long first, String merchant, String product, String creator) {
        Set<Long> used = new HashSet<>();
        used.add(first);
        in.rules.add(new CommissionRule(ruleId, first, merchant, product, creator, rate(), maybeBonus(),
                rnd.nextInt(5) == 0 ? interestingTime() : null, false));
        int later = rnd.nextInt(4);
        for (int i = 0; i < later; i++) {
            long ts = interestingTime();
            if (!used.add(ts)) continue;
            switch (rnd.nextInt(5)) {
                case 0: // deleted; a deletion may or may not repeat the rate
                    in.rules.add(new CommissionRule(ruleId, ts, merchant, product, creator,
                            rnd.nextBoolean() ? rate() : null, null, null, true));
                    break;
                case 1: // a bonus that ends exactly at, or right after, an interesting instant
                    in.rules.add(new CommissionRule(ruleId, ts, merchant, product, creator, rate(),
                            new BigDecimal(pick(BONUSES)), interestingTime(), false));
                    break;
                case 2: // the rule moves to another product of its merchant
                    in.rules.add(new CommissionRule(ruleId, ts, merchant, product == null ? null : productOf(merchant),
                            creator, rate(), null, null, false));
                    break;
                default:
                    in.rules.add(new CommissionRule(ruleId, ts, merchant, product, creator, rate(), maybeBonus(),
                            null, false));
            }
        }
    }

    private BigDecimal rate() {
        return new BigDecimal(pick(RATES));
    }

    private BigDecimal maybeBonus() {
        return rnd.nextInt(3) == 0 ? new BigDecimal(pick(BONUSES)) : null;
    }

    // ---- orders, their touches and their updates ----

    private void orders() {
        for (int i = 0; i < orderTimes.size(); i++) {
            String user = pick(USERS);
            String merchant = pick(MERCHANTS);
            Order order = order("o" + (i + 1), orderTimes.get(i), user, merchant, 1 + rnd.nextInt(rnd.nextInt(5) == 0 ? 4 : 2));
            in.orders.add(order);
            for (OrderLine line : order.lines) {
                if (rnd.nextInt(5) != 0) touches(order.ts, user, line.productId);
                if (rnd.nextInt(5) < 2) updates(order, line);
            }
        }
        // Updates for an order that never existed.
        for (int i = 0; i < 2; i++) {
            in.updates.add(new OrderUpdate("x" + (++updateIds), BASE + rnd.nextLong(SPAN), "o404", "l1",
                    UpdateKind.CANCEL, null));
        }
    }

    private Order order(String orderId, long ts, String user, String merchant, int lineCount) {
        OrderLine[] lines = new OrderLine[lineCount];
        for (int l = 0; l < lineCount; l++) {
            String product;
            if (l > 0 && rnd.nextInt(6) == 0) product = lines[l - 1].productId; // same product on two lines
            else if (rnd.nextInt(8) == 0) product = pick(PRODUCTS); // possibly another merchant's product
            else product = productOf(merchant);
            long quantity = 1 + rnd.nextInt(3);
            long price = rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(5000) : pick(PRICES);
            if (rnd.nextInt(15) == 0) { // large amounts, where binary floating point would lose cents
                quantity = 1 + rnd.nextInt(1000);
                price = rnd.nextInt(100_000_000);
            }
            long discount = 0;
            int d = rnd.nextInt(8);
            if (d == 0) discount = quantity * price; // a zero-amount line
            else if (d == 1 && price > 0) discount = rnd.nextLong(quantity * price);
            lines[l] = new OrderLine("l" + (l + 1), product, quantity, price, discount);
        }
        return new Order(orderId, ts, user, merchant, lines);
    }

    /** Clicks and views of a user on a product around an order at t, many on window boundaries. */
    private void touches(long t, String user, String product) {
        long window = clickWindow;
        long[] clickOffsets = {0, 1, -1, -window, -window - 1, -window + 1, -halfLife, -HOUR, -rnd.nextLong(window),
                -rnd.nextLong(window), -rnd.nextLong(window + 2 * DAY), -rnd.nextLong(MINUTE)};
        int clickCount = rnd.nextInt(rnd.nextBoolean() ? 2 : 9);
        for (int i = 0; i < clickCount; i++) {
            long ts = t + clickOffsets[rnd.nextInt(clickOffsets.length)];
            in.clicks.add(click(ts, user, product));
            if (rnd.nextInt(5) == 0) in.clicks.add(click(ts, user, product)); // a tie on ts
        }
        long[] viewOffsets = {0, 1, -viewWindow, -viewWindow - 1, -viewWindow + 1, -rnd.nextLong(viewWindow),
                -rnd.nextLong(2 * viewWindow)};
        int viewCount = rnd.nextInt(4);
        for (int i = 0; i < viewCount; i++) {
            long ts = t + viewOffsets[rnd.nextInt(viewOffsets.length)];
            Set<String> shown = new LinkedHashSet<>();
            if (rnd.nextInt(6) != 0) shown.add(product);
            if (rnd.nextBoolean()) shown.add(pick(PRODUCTS));
            in.views.add(view(ts, user, shown.toArray(new String[0])));
        }
    }

    private Click click(long ts, String user, String product) {
        String creator = pick(CREATORS);
        String content = pick(CONTENTS.get(creator));
        // Clicks normally name the product's merchant; a few name another one (the contract matches on product).
        String merchant = rnd.nextInt(10) == 0 ? pick(MERCHANTS) : MERCHANT_OF.get(product);
        return new Click("k" + (++clickIds), ts, user, creator, content, pick(ContentType.values()), product, merchant,
                format(content));
    }

    private View view(long ts, String user, String[] products) {
        String creator = pick(CREATORS);
        String content = pick(CONTENTS.get(creator));
        return new View("w" + (++viewIds), ts, user, creator, content, pick(ContentType.values()), format(content),
                rnd.nextInt(8) == 0 ? null : products);
    }

    /** The content's usual format; sometimes another one, sometimes absent (OTHER). */
    private String format(String content) {
        int f = rnd.nextInt(10);
        if (f == 0) return null;
        if (f == 1) return pick(FORMATS);
        return FORMAT_OF.get(content);
    }

    /** 1..3 cancels or refunds of a line, many at the edges: same ts, settlement, before the order. */
    private void updates(Order order, OrderLine line) {
        int count = 1 + rnd.nextInt(3);
        long previous = order.ts;
        for (int i = 0; i < count; i++) {
            long ts;
            switch (rnd.nextInt(10)) {
                case 0: ts = order.ts; break;
                case 1: ts = order.ts + settlement; break; // last instant of settlement
                case 2: ts = order.ts + settlement + 1; break; // after settlement
                case 3: ts = order.ts - 1 - rnd.nextInt(4999); break; // before its order, within the bound
                case 5: ts = order.ts + settlement + rnd.nextLong(Math.max(1, orderMemory - settlement)); break; // long after
                case 4: ts = previous; break; // same ts as the previous update of the line
                default: ts = order.ts + rnd.nextLong(10 * DAY);
            }
            previous = ts;
            String lineId = rnd.nextInt(12) == 0 ? "l9" : line.lineId; // a line the order does not have
            long amount = line.lineAmountCents();
            UpdateKind kind = rnd.nextInt(3) == 0 ? UpdateKind.CANCEL : UpdateKind.REFUND;
            Long refund = null;
            if (kind == UpdateKind.REFUND && rnd.nextInt(5) != 0) {
                switch (rnd.nextInt(4)) {
                    case 0: refund = amount + 1 + rnd.nextInt(500); break; // over-refund: capped
                    case 1: refund = Math.max(1, amount); break;
                    default: refund = amount > 1 ? 1 + rnd.nextLong(amount - 1) : 100;
                }
            }
            in.updates.add(new OrderUpdate("x" + (++updateIds), ts, order.orderId, lineId, kind, refund));
        }
    }

    /** newCustomer at the edge of the 365 d horizon, and for same-ts orders of one user. */
    private void customerHorizon() {
        long a = BASE - customerHorizon + rnd.nextInt(100_000);
        in.orders.add(order("h1", a, "u9", "m1", 1));
        in.orders.add(order("h2", a + customerHorizon, "u9", "m1", 1)); // exactly the horizon after h1: not new
        long b = BASE - customerHorizon + rnd.nextInt(100_000);
        in.orders.add(order("h3", b, "u8", "m2", 1));
        in.orders.add(order("h4", b + customerHorizon + 1, "u8", "m2", 1)); // 1 ms beyond: new
        long c = BASE + rnd.nextLong(SPAN);
        in.orders.add(order("h10", c, "u7", "m1", 1)); // "h10" < "h9": h10 is new, h9 is not
        in.orders.add(order("h9", c, "u7", "m1", 2));
    }

    /** Engagements and spend (only their duplicates matter here), and touches unrelated to any order. */
    private void noise() {
        for (int i = 0; i < 8; i++) {
            String creator = pick(CREATORS);
            String content = pick(CONTENTS.get(creator));
            in.engagements.add(new Engagement("e" + (i + 1), BASE + rnd.nextLong(SPAN), pick(USERS), creator, content,
                    ContentType.VIDEO, format(content), pick(EngagementKind.values())));
        }
        for (int i = 0; i < 5; i++) {
            in.spend.add(new Spend("s" + (i + 1), BASE + rnd.nextLong(SPAN), pick(MERCHANTS), pick(CREATORS),
                    rnd.nextInt(100_000), pick(SpendKind.values())));
        }
        for (int i = 0; i < 10; i++) {
            in.clicks.add(click(BASE + rnd.nextLong(SPAN), pick(USERS), pick(PRODUCTS)));
            in.views.add(view(BASE + rnd.nextLong(SPAN), pick(USERS), new String[] {pick(PRODUCTS)}));
        }
    }

    /**
     * Ids used again exactly at the end of their stream's dedup horizon (DUPLICATE, whatever the content) or 1 ms
     * later (a new event), then exact re-sends of events (DUPLICATE).
     */
    private void resends() {
        reuse(in.views, dedup(Stream.VIEWS), v -> v.ts, (v, ts) -> new View(v.eventId, ts, v.userId, v.creatorId, v.contentId,
                v.contentType, v.contentFormat, v.productIds));
        reuse(in.engagements, dedup(Stream.ENGAGEMENTS), e -> e.ts, (e, ts) -> new Engagement(e.eventId, ts, e.userId, e.creatorId,
                e.contentId, e.contentType, e.contentFormat, e.kind));
        reuse(in.clicks, dedup(Stream.CLICKS), c -> c.ts, (c, ts) -> new Click(c.eventId, ts, c.userId, c.creatorId, c.contentId,
                c.contentType, c.productId, c.merchantId, c.contentFormat));
        reuse(in.updates, dedup(Stream.ORDER_UPDATES), u -> u.ts, (u, ts) -> new OrderUpdate(u.eventId, ts, u.orderId, u.lineId, u.kind,
                u.amountCents));
        reuse(in.spend, dedup(Stream.SPEND), s -> s.ts, (s, ts) -> new Spend(s.eventId, ts, s.merchantId, s.creatorId,
                s.amountCents + 1, s.kind));
        // An order id used again is always dropped here (a second order of the same id would make updates
        // ambiguous): exactly at the horizon, by another user, so a wrongly kept copy would change newCustomer.
        for (Order o : new ArrayList<>(in.orders)) {
            if (rnd.nextInt(10) == 0) {
                in.orders.add(order(o.orderId, o.ts + dedup(Stream.ORDERS), pick(USERS), pick(MERCHANTS), 1));
            }
        }
        resend(in.views);
        resend(in.engagements);
        resend(in.clicks);
        resend(in.orders);
        resend(in.updates);
        resend(in.spend);
        resend(in.products); // a re-sent version changes nothing
    }

    /** For some events, the same id again at exactly ts + horizon (a duplicate) or ts + horizon + 1 (not one). */
    private <T> void reuse(List<T> events, long horizon, ToLongFunction<T> ts, BiFunction<T, Long, T> at) {
        for (T e : new ArrayList<>(events)) {
            if (rnd.nextInt(15) == 0) events.add(at.apply(e, ts.applyAsLong(e) + horizon + rnd.nextInt(2)));
        }
    }

    private <T> void resend(List<T> events) {
        List<T> copy = new ArrayList<>(events);
        for (T e : copy) {
            if (rnd.nextInt(12) == 0) events.add(e);
        }
    }

    private long dedup(Stream stream) {
        return settings.dedupHorizon(stream).toMillis();
    }

    private String productOf(String merchant) {
        List<String> own = new ArrayList<>();
        for (String p : PRODUCTS) if (MERCHANT_OF.get(p).equals(merchant)) own.add(p);
        return pick(own);
    }

    private <T> T pick(List<T> values) {
        return values.get(rnd.nextInt(values.size()));
    }

    private <T> T pick(T[] values) {
        return values[rnd.nextInt(values.length)];
    }

    private long pick(long[] values) {
        return values[rnd.nextInt(values.length)];
    }

    // ---- replay input files ----

    /**
     * Writes {@code dir/<stream>.jsonl} for every input stream, each in an arrival order drawn from arrivalSeed:
     * records sorted by ts plus a jitter in [0, {@link #MAX_DISORDER_MS}), so none is more than that behind its
     * stream's greatest ts so far (checked).
     */
    public static void write(Input in, Path dir, long arrivalSeed) throws IOException {
        Files.createDirectories(dir);
        Random arrival = new Random(arrivalSeed);
        writeStream(dir, Stream.VIEWS, in.views, v -> v.ts, arrival);
        writeStream(dir, Stream.ENGAGEMENTS, in.engagements, e -> e.ts, arrival);
        writeStream(dir, Stream.CLICKS, in.clicks, c -> c.ts, arrival);
        writeStream(dir, Stream.ORDERS, in.orders, o -> o.ts, arrival);
        writeStream(dir, Stream.ORDER_UPDATES, in.updates, u -> u.ts, arrival);
        writeStream(dir, Stream.COMMISSION_RULES, in.rules, r -> r.ts, arrival);
        writeStream(dir, Stream.PRODUCTS, in.products, p -> p.ts, arrival);
        writeStream(dir, Stream.CREATORS, in.creators, c -> c.ts, arrival);
        writeStream(dir, Stream.SPEND, in.spend, s -> s.ts, arrival);
    }

    private record Arrival(long key, int index, long ts, String line) {}

    private static <T> void writeStream(Path dir, Stream stream, List<T> records, ToLongFunction<T> ts, Random arrival)
            throws IOException {
        List<Arrival> arrivals = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            T r = records.get(i);
            long t = ts.applyAsLong(r);
            arrivals.add(new Arrival(t + arrival.nextLong(MAX_DISORDER_MS), i, t, Json.write(r)));
        }
        arrivals.sort(Comparator.comparingLong(Arrival::key).thenComparingInt(Arrival::index));
        long maxTs = Long.MIN_VALUE;
        List<String> lines = new ArrayList<>();
        for (Arrival a : arrivals) {
            if (maxTs != Long.MIN_VALUE && maxTs - a.ts() >= MAX_DISORDER_MS) {
                throw new IllegalStateException(stream.wireName() + ": " + a.line() + " arrives " + (maxTs - a.ts())
                        + " ms behind its stream");
            }
            maxTs = Math.max(maxTs, a.ts());
            lines.add(a.line());
        }
        Files.write(dir.resolve(stream.wireName() + ".jsonl"), lines, StandardCharsets.UTF_8);
    }
}
