package io.tally.generate;

import io.tally.event.AlertRule;
import io.tally.event.Click;
import io.tally.event.CommissionRule;
import io.tally.event.ContentType;
import io.tally.event.Engagement;
import io.tally.event.EngagementKind;
import io.tally.event.Order;
import io.tally.event.OrderLine;
import io.tally.event.OrderUpdate;
import io.tally.event.Review;
import io.tally.event.Spend;
import io.tally.event.SpendKind;
import io.tally.event.Stream;
import io.tally.event.Tier;
import io.tally.event.UpdateKind;
import io.tally.event.View;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A seeded, deterministic simulation of a creator-affiliate program, pulled one input record at a time in
 * (approximately) event-time order. It never ends: callers stop after a count or a simulated duration.
 *
 * <p>How it works: a discrete-event simulation. Poisson "drivers" (views, organic orders, spend, reference-data
 * changes, invalid lines, the scenario drivers of {@link Scenarios}) are actions in one priority queue; running an
 * action creates records, each queued at its event time plus a random delay of at most
 * {@link GeneratorSettings#disorderMs}, and schedules follow-up actions (an order some time after a click, a restock,
 * ...). Queue keys never decrease, and every record's key lies within [ts, ts + disorder], so no record is emitted
 * more than {@code disorderMs} behind the greatest ts emitted before it. Memory holds the catalog, the last few
 * thousand purchases and the queue of scheduled follow-ups (bounded by their rate times their horizon of at most
 * 45 simulated days, for the latest reviews), never the history.
 *
 * <p>The funnel of one view: likes, comments and shares at rates of the content's format; a click on a featured
 * product (CTR a few %); a click converts (tier-dependent, 4-8%) into an order 30 s to 10 days later (mostly within
 * 7 days), sometimes after the shopper compared another creator's content on the same product; a few views lead to
 * an order without a click within a day (view-through). Orders have 1-4 lines of the merchant's products in stock,
 * quantities 1-3, occasional discounts; some are cancelled (seconds to hours later), refunded in part (minutes to
 * days later) or returned (refunded in full, 1 to 20 days later). Organic orders (no touch), often by returning
 * customers, come on their own. Buyers review 15% of the lines they keep (not cancelled), an hour to
 * 30 days later (mostly days), a few after the settlement window of 30 days; most reviews name the order, a few
 * (5%) only the product. Ratings follow the product's quality: mostly 4 and 5, lower
 * for the 15% of products buyers like less.
 *
 * <p>Not thread-safe: one consumer pulls records.
 */
public final class Generator implements Iterator<GeneratedRecord> {
    static final long SECOND = 1_000;
    static final long MINUTE = 60 * SECOND;
    static final long HOUR = 60 * MINUTE;
    static final long DAY = 24 * HOUR;

    /** Records per view, on average, across all streams: calibrated so the event density matches the setting. */
    private static final double EVENTS_PER_VIEW = 1.17;
    /** Rates of the other drivers, as shares of all events. */
    private static final double ORGANIC_ORDER_SHARE = 0.0006;
    private static final double SPEND_SHARE = 0.0001;
    private static final double REFERENCE_CHANGE_SHARE = 0.000005;
    /** Least rate of reference-data changes, so small densities still see the program evolve. */
    private static final double MIN_REFERENCE_CHANGES_PER_MS = 1.0 / (10 * MINUTE);
    /** The viral content's own share of views, before and after its surge: at least one view per second ... */
    private static final double VIRAL_BASE_SHARE = 0.002;
    /** ... unless that is more than this share of all views. */
    private static final double VIRAL_MAX_SHARE = 0.05;

    private static final double LIVE_CTR_FACTOR = 1.3;
    private static final double LIVE_COMMENT_FACTOR = 3;
    private static final double VIEW_THROUGH = 0.0005;
    /** Chance that a converting shopper first looks at another creator's content featuring the same product. */
    private static final double COMPARISON = 0.15;
    /** Chance that a creator with a shopper account watches (and likely buys from) their own content. */
    private static final double SELF_VIEW = 0.0005;
    private static final double SELF_CLICK = 0.6;
    private static final double SELF_CONVERSION = 0.5;
    private static final double RETURNING_CUSTOMER = 0.6;
    private static final double CANCEL = 0.04;
    private static final double REFUND = 0.08;
    private static final double DISCOUNT = 0.1;
    /** Share of the lines kept (not cancelled) that their buyer reviews. */
    static final double REVIEW = 0.15;
    /** Share of reviews that name only the product, not the order. */
    static final double REVIEW_WITHOUT_ORDER = 0.05;
    /** Ratings 1 to 5 (weights) of a good product, of one buyers like less, and of the story's defective batch. */
    private static final double[] GOOD_RATINGS = {2, 3, 7, 28, 60};
    private static final double[] POOR_RATINGS = {10, 12, 22, 32, 24};
    private static final double[] DEFECTIVE_RATINGS = {65, 35, 0, 0, 0};
    /** Purchases of the bad-reviews story's product remembered for its reviewers (not otherwise reviewed). */
    private static final int STORY_BUYERS = 200;
    private static final double[] LINE_COUNTS = {60, 25, 10, 5};
    private static final double[] QUANTITIES = {70, 22, 8};
    private static final double[] SPEND_KINDS = {30, 30, 40};
    private static final int RECENT_BUYERS = 10_000;
    /**
     * Quiet spell between a backfill and the dense traffic. A baseline of N slots needs ceil(N/2) of them with a
     * value, and the quiet spell leaves the default rules' baselines (24 hourly slots, 30 one-minute slots) short
     * of that: the sudden density is not taken for a viral spike everywhere, nor the orders lagging behind the
     * sudden clicks for a conversion drop of every creator.
     */
    static final long QUIET_BEFORE_DENSE = 13 * HOUR;
    /** The broken-link creator's shoppers: at least one click every this many ms, at any density. */
    static final long BROKEN_LINK_CLICK_EVERY_MS = 7 * SECOND;
    /** Shoppers who keep clicking the sold-out pushed product: at least one every this many ms, at any density. */
    static final long SOLD_OUT_CLICK_EVERY_MS = 6 * SECOND;
    /** Shoppers clicking the CPA creator's deals: at least one every this many ms, at any density. */
    static final long CPA_CLICK_EVERY_MS = 7 * SECOND;

    private final GeneratorSettings settings;
    private final long startTs;
    private final Draw draw;
    private final Catalog catalog;
    private final CommissionProgram program;
    private final Scenarios.Cast cast;
    private final RecentBuyers buyers = new RecentBuyers(RECENT_BUYERS);
    private final String[] userIds;
    private final PriorityQueue<Entry> queue = new PriorityQueue<>(
            Comparator.<Entry>comparingLong(e -> e.key).thenComparingLong(e -> e.seq));
    /** Key of the entry being processed: nothing is queued before it. */
    private long now;
    private long seq;
    /** Event time from which the density is eventsPerSimulatedSecond (before it: the backfill's). */
    private final long denseFrom;
    /** Length of the quiet spell between the backfill and denseFrom (0 without a backfill). */
    private final long quietBeforeDense;
    private final double eventsPerMs;
    private final double backfillEventsPerMs;
    private long viewCount;
    private long engagementCount;
    private long clickCount;
    private long orderCount;
    private long updateCount;
    private long spendCount;
    private long invalidCount;
    private long reviewCount;
    /** Recent purchases of the story's product, oldest first. */
    private final ArrayDeque<Purchase> storyBuyers = new ArrayDeque<>();

    /** A line of the story's product that its buyer did not review on their own. */
    private record Purchase(String orderId, String userId, long ts) {}

    public Generator(GeneratorSettings settings) {
        settings.validate();
        long wallClock = System.currentTimeMillis();
        this.quietBeforeDense = settings.backfillMs == 0 ? 0 : QUIET_BEFORE_DENSE;
        if (settings.liveClock) {
            this.denseFrom = wallClock;
            this.startTs = settings.backfillMs == 0 ? wallClock
                    : (wallClock - quietBeforeDense - settings.backfillMs) / HOUR * HOUR;
        } else {
            this.startTs = settings.startTs;
            this.denseFrom = settings.startTs + settings.backfillMs + quietBeforeDense;
        }
        this.settings = settings.copy();
        this.settings.startTs = startTs;
        this.now = startTs;
        this.draw = new Draw(settings.seed);
        this.catalog = new Catalog(settings, draw);
        this.cast = catalog.cast;
        this.program = new CommissionProgram(catalog, draw);
        this.userIds = new String[settings.users];
        for (int i = 0; i < userIds.length; i++) userIds[i] = Ids.user(i);
        this.eventsPerMs = settings.eventsPerSimulatedSecond / SECOND;
        this.backfillEventsPerMs = settings.backfillEventsPerSimulatedSecond / SECOND;
        referenceData();
        startDrivers();
        if (cast != null) scheduleScenarios();
    }

    /** A copy of the settings this generator runs with, startTs being the actual start (see {@link #startTs()}). */
    public GeneratorSettings settings() {
        return settings.copy();
    }

    /** Start of the simulated clock: settings.startTs, or the wall clock at construction with liveClock. */
    public long startTs() {
        return startTs;
    }

    /** Always true: the simulation never ends. */
    @Override
    public boolean hasNext() {
        return true;
    }

    @Override
    public GeneratedRecord next() {
        while (true) {
            Entry entry = queue.poll();
            now = entry.key;
            if (entry.action != null) {
                entry.action.run(entry.key);
                continue;
            }
            GeneratedRecord record = entry.record;
            if (!entry.resent && settings.duplicates > 0 && deduplicated(record) && draw.chance(settings.duplicates)) {
                // An exact re-send (producer retry): same record, same ts, emitted up to disorderMs later.
                queue.add(new Entry(jittered(record.ts()), seq++, record, null, true));
            }
            return record;
        }
    }

    // ---- scheduling ----

    private static final class Entry {
        final long key;
        final long seq;
        final GeneratedRecord record;
        final Action action;
        final boolean resent;

        Entry(long key, long seq, GeneratedRecord record, Action action, boolean resent) {
            this.key = key;
            this.seq = seq;
            this.record = record;
            this.action = action;
            this.resent = resent;
        }
    }

    @FunctionalInterface
    private interface Action {
        void run(long now);
    }

    /** Runs an action at simulated time ts (never before the entry being processed). */
    private void at(long ts, Action action) {
        queue.add(new Entry(Math.max(ts, now), seq++, null, action, false));
    }

    /** Emits a record of event time ts, up to disorderMs late. */
    private void emit(Stream stream, Object record, long ts) {
        if (quiet(ts) && stream.isActivity()) return;
        queue.add(new Entry(jittered(ts), seq++, GeneratedRecord.of(stream, record, ts), null, false));
    }

    /** In the quiet spell before dense traffic: no activity at all, not even follow-ups of earlier clicks. */
    private boolean quiet(long ts) {
        return ts < denseFrom && ts >= denseFrom - quietBeforeDense;
    }

    private long jittered(long ts) {
        long jitter = settings.disorderMs == 0 ? 0 : draw.between(0, settings.disorderMs);
        return Math.max(ts + jitter, now);
    }

    /** A Poisson process: runs its body at exponential gaps of the current mean. */
    private final class Driver implements Action {
        private final RateAt rate;
        private final Action body;
        private double next;

        Driver(RateAt rate, Action body) {
            this.rate = rate;
            this.body = body;
            this.next = startTs;
        }

        @Override
        public void run(long t) {
            body.run(t);
            schedule();
        }

        private void schedule() {
            double perMs = rate.perMs((long) next);
            if (perMs > 0) next += draw.exponential(1 / perMs);
            if (perMs <= 0 || rate.perMs((long) next) <= 0) {
                // A quiet spell (there is one, just before the dense traffic): resume where it ends.
                next = Math.max(next, denseFrom) + draw.exponential(1 / rate.perMs(denseFrom));
            }
            at((long) next, this);
        }
    }

    @FunctionalInterface
    private interface RateAt {
        double perMs(long ts);
    }

    private static boolean deduplicated(GeneratedRecord r) {
        if (r.isRaw()) return false;
        return switch (r.stream()) {
            case VIEWS, ENGAGEMENTS, CLICKS, ORDERS, ORDER_UPDATES, SPEND, REVIEWS -> true;
            case COMMISSION_RULES, PRODUCTS, CREATORS, ALERT_RULES, ATTRIBUTIONS, ATTRIBUTIONS_SHADOW, KPIS, ALERTS,
                    DEAD_LETTERS -> false;
        };
    }

    // ---- set-up ----

    /** Versions in force from the start, all at startTs. */
    private void referenceData() {
        for (Catalog.Item item : catalog.items) emit0(Stream.PRODUCTS, item.version(startTs));
        for (Catalog.Influencer creator : catalog.creators) emit0(Stream.CREATORS, creator.version(startTs));
        for (CommissionRule rule : program.initial(startTs, settings.scenarios)) emit0(Stream.COMMISSION_RULES, rule);
        if (settings.alertRules) {
            List<AlertRule> rules = Scenarios.alertRules(startTs);
            emit0(Stream.ALERT_RULES, rules.get(0));
            at(rules.get(1).ts, t -> emit(Stream.ALERT_RULES, rules.get(1), t));
        }
    }

    /** Reference data goes out first and in order: no jitter. */
    private void emit0(Stream stream, Object record) {
        queue.add(new Entry(startTs, seq++, GeneratedRecord.of(stream, record, startTs), null, false));
    }

    /**
     * Events (all streams) per simulated ms at ts: the backfill's density before denseFrom, except for a quiet
     * spell just before it (none at all), so that baselines of the sparse history (the viral-spike rule's 30
     * minutes) are forgotten before the dense traffic starts and its density is not taken for a spike everywhere.
     */
    private double eventsPerMs(long ts) {
        if (ts >= denseFrom) return eventsPerMs;
        return ts < denseFrom - quietBeforeDense ? backfillEventsPerMs : 0;
    }

    private double viewsPerMs(long ts) {
        return eventsPerMs(ts) / EVENTS_PER_VIEW;
    }

    private void startDrivers() {
        poisson(this::viewsPerMs, this::view);
        poisson(t -> eventsPerMs(t) * ORGANIC_ORDER_SHARE, this::organicOrder);
        poisson(t -> eventsPerMs(t) * SPEND_SHARE, this::spend);
        poisson(t -> Math.max(MIN_REFERENCE_CHANGES_PER_MS, eventsPerMs(t) * REFERENCE_CHANGE_SHARE),
                this::referenceChange);
        if (settings.invalid > 0) poisson(t -> eventsPerMs(t) * settings.invalid, this::invalidLine);
    }

    /** Runs body at exponential gaps of the given mean from {@code from} until {@code until}. */
    private void every(long from, long until, long meanGapMs, Action body) {
        at(from, new Action() {
            @Override
            public void run(long t) {
                if (t >= until) return;
                body.run(t);
                at(t + (long) draw.exponential(meanGapMs), this);
            }
        });
    }

    /** Starts a Poisson process of the given rate (per ms, may vary with time) from startTs. */
    private void poisson(RateAt rate, Action body) {
        new Driver(rate, body).schedule();
    }

    private void scheduleScenarios() {
        Catalog.Content viral = catalog.contents[cast.viralContent];
        poisson(t -> isViral(t) ? viralBase(t) * Scenarios.VIRAL_FACTOR : viralBase(t),
                t -> watch(t, viral, randomUser(), false));
        at(startTs + Scenarios.MICRO_TO_MID, t -> grow(cast.microCrossing, Scenarios.MICRO_AFTER, t));
        at(startTs + Scenarios.MACRO_TO_MEGA, t -> grow(cast.macroCrossing, Scenarios.MACRO_AFTER, t));
        // However sparse the traffic, shoppers keep clicking the deals of the stories, so the rules that need
        // clicks in every window (stock-out, CPA's minimum sample) see one streak, not a flicker.
        Catalog.Content pushing = catalog.contents[cast.viralContent];
        every(startTs + Scenarios.SOLD_OUT, startTs + Scenarios.RESTOCK, SOLD_OUT_CLICK_EVERY_MS,
                t -> promotedClick(t, pushing, cast.pushedProduct));
        clickFloor(catalog.creators[cast.cpaCreator], CPA_CLICK_EVERY_MS);
        clickFloor(catalog.creators[cast.brokenLinkCreator], BROKEN_LINK_CLICK_EVERY_MS);
        at(startTs + Scenarios.SOLD_OUT, t -> {
            Catalog.Item pushed = catalog.items[cast.pushedProduct];
            pushed.stock = 0;
            emit(Stream.PRODUCTS, pushed.version(t), t);
            scheduleRestock(pushed, startTs + Scenarios.RESTOCK);
        });
        Catalog.Content promoting = catalog.contents[catalog.creators[cast.reviewedCreator].contents[0]];
        every(startTs, startTs + Scenarios.REVIEWS_RECOVERED_UNTIL, Scenarios.REVIEWED_CLICK_EVERY_MS,
                t -> promotedClick(t, promoting, cast.reviewedProduct));
        // One story review in every slot of STORY_REVIEW_EVERY_MS, at a random time in it: 12 in every hour.
        for (long slot = Scenarios.BAD_REVIEWS_START; slot < Scenarios.REVIEWS_RECOVERED_UNTIL;
                slot += Scenarios.STORY_REVIEW_EVERY_MS) {
            at(startTs + slot + draw.between(0, Scenarios.STORY_REVIEW_EVERY_MS - 1), this::storyReview);
        }
        at(startTs + Scenarios.RATE_CHANGE, t -> emit(Stream.COMMISSION_RULES, program.changeMerchantRate(0, t), t));
        at(startTs + Scenarios.RULE_DELETED, t -> emitRule(program.deleteProductRule(t), t));
        cpaSpend(startTs + MINUTE);
    }

    /**
     * The bad-reviews story: a buyer of the product reviews it, naming their order when one is remembered (one that
     * no other review names), else only the product.
     */
    private void storyReview(long t) {
        Catalog.Item item = catalog.items[cast.reviewedProduct];
        Purchase purchase = storyBuyers.peekFirst();
        String orderId = null;
        String user;
        if (purchase != null && purchase.ts() < t) {
            storyBuyers.pollFirst();
            orderId = purchase.orderId();
            user = purchase.userId();
        } else {
            user = randomUser();
        }
        emit(Stream.REVIEWS, new Review("r-" + (++reviewCount), t, user, item.id, item.merchantId,
                rating(cast.reviewedProduct, t), orderId), t);
    }

    /** The defective batch of the bad-reviews story: every review written meanwhile rates the product 1 or 2. */
    private boolean defective(int product, long ts) {
        return cast != null && product == cast.reviewedProduct && ts >= startTs + Scenarios.BAD_REVIEWS_START
                && ts < startTs + Scenarios.BAD_REVIEWS_END;
    }

    private int rating(int product, long ts) {
        double[] weights = defective(product, ts) ? DEFECTIVE_RATINGS
                : catalog.items[product].poor ? POOR_RATINGS : GOOD_RATINGS;
        return 1 + draw.weighted(weights);
    }

    /** The broken-link story: the link leads nowhere, so the click cannot convert. */
    private boolean linkBroken(Catalog.Content content, long ts) {
        return cast != null && content.creator == cast.brokenLinkCreator && ts >= startTs + Scenarios.BROKEN_LINK_START
                && ts < startTs + Scenarios.BROKEN_LINK_END;
    }

    /** The viral content's own views per ms outside the surge. */
    private double viralBase(long ts) {
        double views = viewsPerMs(ts);
        return Math.max(views * VIRAL_BASE_SHARE, Math.min(1.0 / SECOND, views * VIRAL_MAX_SHARE));
    }

    private boolean isViral(long ts) {
        return ts >= startTs + Scenarios.VIRAL_START && ts < startTs + Scenarios.VIRAL_END;
    }

    /** The CPA story: the thin-margin merchant keeps paying the generous creator for ads. */
    private void cpaSpend(long ts) {
        at(ts, t -> {
            long cents = draw.between(400, 600) * 100;
            emit(Stream.SPEND, new Spend("s-" + (++spendCount), t, catalog.merchants[cast.cpaMerchant].id,
                    catalog.creators[cast.cpaCreator].id, cents, SpendKind.ADS), t);
            cpaSpend(t + Scenarios.CPA_SPEND_EVERY_MS);
        });
    }

    // ---- the funnel ----

    private void view(long t) {
        Catalog.Content content = catalog.contents[draw.cumulative(catalog.contentWeights)];
        String own = catalog.creators[content.creator].userId;
        if (own != null && draw.chance(SELF_VIEW)) watch(t, content, own, true);
        else watch(t, content, randomUser(), false);
    }

    /** Heavy users watch and buy more: low user numbers are drawn more often. */
    private String randomUser() {
        return userIds[(int) (userIds.length * Math.pow(draw.unit(), 1.6))];
    }

    private void watch(long t, Catalog.Content content, String user, boolean self) {
        emit(Stream.VIEWS, new View("v-" + (++viewCount), t, user, content.creatorId, content.id, content.type,
                content.format.wire(), content.productIds), t);
        engage(t, content, user);
        if (!content.hasProducts()) return;
        double ctr = self ? SELF_CLICK : content.format.ctr * (content.type == ContentType.LIVE ? LIVE_CTR_FACTOR : 1);
        int product = content.products[draw.index(content.products.length)];
        if (draw.chance(ctr)) {
            click(t + SECOND + (long) draw.exponential(10 * SECOND), content, user, product, self);
        } else if (draw.chance(VIEW_THROUGH)) {
            // Saw the product, bought it later without clicking: a view-through order.
            int merchant = catalog.items[product].merchant;
            at(t + draw.logUniform(5 * MINUTE, 20 * HOUR), o -> order(o, user, merchant, product));
        }
    }

    /** Clicks on the creator's deals at least every meanGapMs on average, except in a quiet spell. */
    private void clickFloor(Catalog.Influencer creator, long meanGapMs) {
        poisson(t -> eventsPerMs(t) > 0 ? 1.0 / meanGapMs : 0, t -> {
            Catalog.Content deal = catalog.contents[creator.contents[draw.index(creator.contents.length)]];
            if (deal.hasProducts()) promotedClick(t, deal, deal.products[draw.index(deal.products.length)]);
        });
    }

    /** A shopper who watches the content and clicks the product: a click (and maybe an order) for sure. */
    private void promotedClick(long t, Catalog.Content content, int product) {
        String user = randomUser();
        emit(Stream.VIEWS, new View("v-" + (++viewCount), t, user, content.creatorId, content.id, content.type,
                content.format.wire(), content.productIds), t);
        click(t + SECOND + (long) draw.exponential(10 * SECOND), content, user, product, false);
    }

    private void engage(long t, Catalog.Content content, String user) {
        Format f = content.format;
        boolean live = content.type == ContentType.LIVE;
        if (draw.chance(f.like)) engagement(t + SECOND + (long) draw.exponential(8 * SECOND), content, user,
                EngagementKind.LIKE);
        if (draw.chance(f.comment * (live ? LIVE_COMMENT_FACTOR : 1))) engagement(
                t + 3 * SECOND + (long) draw.exponential(30 * SECOND), content, user, EngagementKind.COMMENT);
        if (draw.chance(f.share)) engagement(t + 2 * SECOND + (long) draw.exponential(20 * SECOND), content, user,
                EngagementKind.SHARE);
    }

    private void engagement(long ts, Catalog.Content content, String user, EngagementKind kind) {
        emit(Stream.ENGAGEMENTS, new Engagement("e-" + (++engagementCount), ts, user, content.creatorId, content.id,
                content.type, content.format.wire(), kind), ts);
    }

    private void click(long ts, Catalog.Content content, String user, int product, boolean self) {
        Catalog.Item item = catalog.items[product];
        emit(Stream.CLICKS, new Click("k-" + (++clickCount), ts, user, content.creatorId, content.id, content.type,
                item.id, item.merchantId, content.format.wire()), ts);
        double conversion = self ? SELF_CONVERSION : conversion(catalog.creators[content.creator].tier());
        if (linkBroken(content, ts)) conversion = 0;
        if (!draw.chance(conversion)) return;
        long orderTs = ts + orderDelay();
        if (!self && draw.chance(COMPARISON) && item.featuredIn.length > 1) {
            // Before buying, the shopper watches another creator's take on the same product and clicks it too.
            int other = item.featuredIn[draw.index(item.featuredIn.length)];
            long seen = ts + 1 + (long) (draw.unit() * (orderTs - ts - 1) / 2);
            if (catalog.contents[other] != content) {
                at(seen, t -> compare(t, catalog.contents[other], user, product, orderTs));
            }
        }
        at(orderTs, t -> order(t, user, item.merchant, product));
    }

    private void compare(long t, Catalog.Content content, String user, int product, long orderTs) {
        emit(Stream.VIEWS, new View("v-" + (++viewCount), t, user, content.creatorId, content.id, content.type,
                content.format.wire(), content.productIds), t);
        Catalog.Item item = catalog.items[product];
        long clickTs = t + Math.min(SECOND + (long) draw.exponential(10 * SECOND), Math.max(1, (orderTs - t) / 2));
        emit(Stream.CLICKS, new Click("k-" + (++clickCount), clickTs, user, content.creatorId, content.id,
                content.type, item.id, item.merchantId, content.format.wire()), clickTs);
    }

    /** Small creators' audiences trust them more. */
    private static double conversion(Tier tier) {
        return switch (tier) {
            case NANO -> 0.08;
            case MICRO -> 0.07;
            case MID -> 0.06;
            case MACRO -> 0.05;
            case MEGA, UNKNOWN -> 0.04;
        };
    }

    /** Impulse buys within minutes, most within a day, a tail over the week and a little past the click window. */
    private long orderDelay() {
        double r = draw.unit();
        if (r < 0.35) return draw.logUniform(30 * SECOND, 10 * MINUTE);
        if (r < 0.75) return draw.logUniform(10 * MINUTE, DAY);
        if (r < 0.95) return draw.logUniform(DAY, 7 * DAY);
        return draw.logUniform(7 * DAY, 10 * DAY);
    }

    private void organicOrder(long t) {
        String user;
        int merchant;
        if (!buyers.isEmpty() && draw.chance(RETURNING_CUSTOMER)) {
            int i = buyers.pick(draw);
            user = buyers.user(i);
            merchant = buyers.merchant(i);
        } else {
            user = randomUser();
            merchant = draw.index(catalog.merchants.length);
        }
        Catalog.Merchant m = catalog.merchants[merchant];
        order(t, user, merchant, m.firstProduct + draw.index(m.productCount));
    }

    /**
     * An order for the anchor product (the one clicked, seen or searched for) and maybe a few more products of the
     * same merchant. Out-of-stock products cannot be bought: without the anchor in stock the sale is lost.
     */
    private void order(long t, String user, int merchant, int anchor) {
        if (quiet(t)) return; // the shop is closed: no sale, no stock taken
        Catalog.Item wanted = catalog.items[anchor];
        if (wanted.stock <= 0) return;
        Catalog.Merchant m = catalog.merchants[merchant];
        int lineCount = 1 + draw.weighted(LINE_COUNTS);
        int[] products = new int[lineCount];
        int n = 0;
        products[n++] = anchor;
        for (int tries = 0; n < lineCount && tries < 3 * lineCount; tries++) {
            int candidate = m.firstProduct + draw.index(m.productCount);
            boolean usable = catalog.items[candidate].stock > 0;
            for (int j = 0; j < n; j++) usable &= products[j] != candidate;
            if (usable) products[n++] = candidate;
        }
        long orderNo = ++orderCount;
        OrderLine[] lines = new OrderLine[n];
        for (int i = 0; i < n; i++) {
            Catalog.Item item = catalog.items[products[i]];
            long quantity = Math.min(1 + draw.weighted(QUANTITIES), item.stock);
            long gross = quantity * item.priceCents;
            long discount = draw.chance(DISCOUNT) ? gross * draw.between(1, 4) * 5 / 100 : 0;
            lines[i] = new OrderLine(Ids.line(orderNo, i), item.id, quantity, item.priceCents, discount);
        }
        emit(Stream.ORDERS, new Order("o-" + orderNo, t, user, m.id, lines), t);
        for (int i = 0; i < n; i++) {
            Catalog.Item item = catalog.items[products[i]];
            item.stock -= lines[i].quantity;
            if (item.stock == 0) soldOut(item, t);
        }
        buyers.add(user, merchant);
        boolean[] cancelled = afterSale(t, "o-" + orderNo, lines);
        for (int i = 0; i < n; i++) {
            if (!cancelled[i]) review(t, "o-" + orderNo, user, products[i]);
        }
    }

    /**
     * Maybe a review of a line the buyer kept: an hour to 30 days later (mostly days), a few (5%) after the
     * settlement window of 30 days; mostly naming the order.
     */
    private void review(long orderTs, String orderId, String user, int product) {
        if (!draw.chance(REVIEW)) {
            if (cast != null && product == cast.reviewedProduct) {
                if (storyBuyers.size() == STORY_BUYERS) storyBuyers.pollFirst();
                storyBuyers.addLast(new Purchase(orderId, user, orderTs));
            }
            return;
        }
        double r = draw.unit();
        long delay = r < 0.2 ? draw.logUniform(HOUR, DAY)
                : r < 0.95 ? draw.logUniform(DAY, 30 * DAY)
                : draw.logUniform(30 * DAY + MINUTE, 45 * DAY);
        long ts = orderTs + delay;
        Catalog.Item item = catalog.items[product];
        String named = draw.chance(REVIEW_WITHOUT_ORDER) ? null : orderId;
        emit(Stream.REVIEWS, new Review("r-" + (++reviewCount), ts, user, item.id, item.merchantId,
                rating(product, ts), named), ts);
    }

    private void soldOut(Catalog.Item item, long t) {
        emit(Stream.PRODUCTS, item.version(t), t);
        scheduleRestock(item, t + draw.logUniform(HOUR, 2 * DAY));
    }

    /** Only the latest scheduled restock of a product happens. */
    private void scheduleRestock(Catalog.Item item, long ts) {
        item.restockAt = ts;
        at(ts, t -> {
            if (item.restockAt != t) return;
            item.restockAt = 0;
            item.stock += draw.between(200, 2_000);
            emit(Stream.PRODUCTS, item.version(t), t);
        });
    }

    /**
     * Cancels (seconds to hours later), partial refunds (minutes to days later) and returns (days later).
     *
     * @return which lines are cancelled
     */
    private boolean[] afterSale(long t, String orderId, OrderLine[] lines) {
        boolean[] cancelled = new boolean[lines.length];
        double r = draw.unit();
        if (r < CANCEL) {
            long ts = t + draw.logUniform(20 * SECOND, 3 * HOUR);
            boolean whole = draw.chance(0.5);
            int only = draw.index(lines.length);
            for (int i = 0; i < lines.length; i++) {
                if (whole || i == only) {
                    update(ts, orderId, lines[i].lineId, UpdateKind.CANCEL, null);
                    cancelled[i] = true;
                }
            }
        } else if (r < CANCEL + REFUND) {
            OrderLine line = lines[draw.index(lines.length)];
            if (draw.chance(0.5)) {
                // A return: the whole line, once the parcel is back.
                update(t + draw.logUniform(DAY, 20 * DAY), orderId, line.lineId, UpdateKind.REFUND, null);
            } else {
                // A price adjustment or a damaged item: part of the line, soon after.
                long ts = t + draw.logUniform(10 * MINUTE, 3 * DAY);
                long partial = Math.max(1, Math.round(line.lineAmountCents() * draw.uniform(0.2, 0.8)));
                update(ts, orderId, line.lineId, UpdateKind.REFUND, partial);
                if (draw.chance(0.25)) {
                    // Returned after all: a refund without amount reverses what remains.
                    update(ts + draw.logUniform(HOUR, 5 * DAY), orderId, line.lineId, UpdateKind.REFUND, null);
                }
            }
        }
        return cancelled;
    }

    private void update(long ts, String orderId, String lineId, UpdateKind kind, Long amountCents) {
        emit(Stream.ORDER_UPDATES, new OrderUpdate("ou-" + (++updateCount), ts, orderId, lineId, kind, amountCents),
                ts);
    }

    /** Fees, samples and ads a merchant pays a creator it works with, besides commission. */
    private void spend(long t) {
        int pair = catalog.partnerships[draw.index(catalog.partnerships.length)];
        Catalog.Influencer creator = catalog.creators[pair / catalog.merchants.length];
        Catalog.Merchant merchant = catalog.merchants[pair % catalog.merchants.length];
        SpendKind kind = SpendKind.values()[draw.weighted(SPEND_KINDS)];
        long cents = switch (kind) {
            case FLAT_FEE -> Math.round(Math.max(50, Math.min(20_000,
                    creator.followers / 1_000.0 * draw.uniform(0.5, 2)))) * 100;
            case SAMPLE -> catalog.items[merchant.firstProduct + draw.index(merchant.productCount)].unitCostCents
                    * draw.between(1, 5);
            case ADS -> draw.between(20, 500) * 100;
        };
        emit(Stream.SPEND, new Spend("s-" + (++spendCount), t, merchant.id, creator.id, cents, kind), t);
    }

    // ---- reference data over time ----

    private void referenceChange(long t) {
        switch (draw.weighted(new double[] {30, 20, 15, 10, 10, 15})) {
            case 0 -> {
                int c = draw.index(catalog.creators.length);
                if (cast != null && (c == cast.microCrossing || c == cast.macroCrossing)) return;
                Catalog.Influencer creator = catalog.creators[c];
                grow(c, Math.round(creator.followers * draw.uniform(1.005, 1.05)), t);
            }
            case 1 -> {
                Catalog.Item item = catalog.items[draw.index(catalog.items.length)];
                long price = Math.round(item.priceCents * draw.uniform(0.85, 1.15) / 100.0) * 100 - 1;
                item.priceCents = Math.max(price, item.unitCostCents + 1);
                emit(Stream.PRODUCTS, item.version(t), t);
            }
            case 2 -> emitRule(program.changeMerchantRate(draw.index(catalog.merchants.length), t), t);
            case 3 -> emitRule(program.addProductRule(t), t);
            case 4 -> emitRule(program.deleteProductRule(t), t);
            default -> emitRule(program.bonusCampaign(t, draw.logUniform(30 * MINUTE, 3 * DAY)), t);
        }
    }

    private void grow(int creator, long followers, long t) {
        Catalog.Influencer c = catalog.creators[creator];
        c.followers = followers;
        emit(Stream.CREATORS, c.version(t), t);
    }

    private void emitRule(CommissionRule rule, long t) {
        if (rule != null) emit(Stream.COMMISSION_RULES, rule, t);
    }

    // ---- invalid input ----

    private static final Stream[] DAMAGEABLE = {Stream.VIEWS, Stream.ENGAGEMENTS, Stream.CLICKS, Stream.ORDERS,
            Stream.ORDER_UPDATES, Stream.SPEND, Stream.REVIEWS};

    /** A record built like the real ones (ids x-<n>), then damaged. */
    private void invalidLine(long t) {
        Stream stream = DAMAGEABLE[draw.index(DAMAGEABLE.length)];
        String id = "x-" + (++invalidCount);
        Catalog.Content content = catalog.contents[draw.index(catalog.contents.length)];
        Catalog.Item item = catalog.items[draw.index(catalog.items.length)];
        String user = randomUser();
        Object record = switch (stream) {
            case VIEWS -> new View(id, t, user, content.creatorId, content.id, content.type, content.format.wire(),
                    content.productIds);
            case ENGAGEMENTS -> new Engagement(id, t, user, content.creatorId, content.id, content.type,
                    content.format.wire(), EngagementKind.LIKE);
            case CLICKS -> new Click(id, t, user, content.creatorId, content.id, content.type, item.id,
                    item.merchantId, content.format.wire());
            case ORDERS -> new Order(id, t, user, item.merchantId,
                    new OrderLine[] {new OrderLine(id + "-1", item.id, 1, item.priceCents, 0)});
            case ORDER_UPDATES -> new OrderUpdate(id, t, "o-" + Math.max(1, orderCount),
                    "l-" + Math.max(1, orderCount) + "-1", UpdateKind.CANCEL, null);
            case SPEND -> new Spend(id, t, item.merchantId, content.creatorId, 10_000, SpendKind.ADS);
            case REVIEWS -> new Review(id, t, user, item.id, item.merchantId, 1 + draw.index(5),
                    "o-" + Math.max(1, orderCount));
            // DAMAGEABLE holds only the seven streams above
            case COMMISSION_RULES, PRODUCTS, CREATORS, ALERT_RULES, ATTRIBUTIONS, ATTRIBUTIONS_SHADOW, KPIS, ALERTS,
                    DEAD_LETTERS -> throw new IllegalStateException("not a damageable stream: " + stream);
        };
        InvalidLines.Damage damage = InvalidLines.Damage.values()[draw.index(InvalidLines.Damage.values().length)];
        String line = InvalidLines.damage(stream, record, damage, draw);
        queue.add(new Entry(jittered(t), seq++, GeneratedRecord.raw(stream, line, t), null, false));
    }
}
