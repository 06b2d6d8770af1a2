package io.tally.generate;

import io.tally.SchemaSupport;
import io.tally.connect.RecordReader;
import io.tally.event.Click;
import io.tally.event.Creator;
import io.tally.event.Engagement;
import io.tally.event.Order;
import io.tally.event.OrderLine;
import io.tally.event.OrderUpdate;
import io.tally.event.Review;
import io.tally.event.Spend;
import io.tally.event.Stream;
import io.tally.event.Tier;
import io.tally.event.UpdateKind;
import io.tally.event.View;
import io.tally.io.DeadLetterReason;
import io.tally.io.InvalidRecordException;
import io.tally.io.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The shape of one modest run: 200k records at a sparse density (20 per simulated second, so about 2.6 simulated
 * hours) so that follow-ups hours after their cause (orders, cancels, refunds) show up.
 */
class SimulationTest {
    private static final long EVENTS = 200_000;
    private static final long DAY = 86_400_000L;
    private static GeneratorSettings settings;
    private static List<GeneratedRecord> records;
    private static Map<Stream, Long> counts;

    @BeforeAll
    static void run() {
        settings = new GeneratorSettings();
        settings.eventsPerSimulatedSecond = 20;
        settings.invalid = 0.001;
        Generator generator = new Generator(settings);
        records = new ArrayList<>((int) EVENTS);
        counts = new EnumMap<>(Stream.class);
        for (long i = 0; i < EVENTS; i++) {
            GeneratedRecord r = generator.next();
            records.add(r);
            counts.merge(r.stream(), 1L, Long::sum);
        }
    }

    private static <T> List<T> typed(Class<T> type) {
        List<T> result = new ArrayList<>();
        for (GeneratedRecord r : records) {
            if (type.isInstance(r.record())) result.add(type.cast(r.record()));
        }
        return result;
    }

    @Test
    void everyInputStreamHasRecords() {
        for (Stream stream : Stream.values()) {
            if (stream.isInput()) assertThat(counts.getOrDefault(stream, 0L)).as(stream.wireName()).isPositive();
        }
    }

    @Test
    void streamsHavePlausibleProportions() {
        double views = counts.get(Stream.VIEWS);
        assertThat(counts.get(Stream.ENGAGEMENTS) / views).isBetween(0.05, 0.2);
        assertThat(counts.get(Stream.CLICKS) / views).isBetween(0.01, 0.08);
        assertThat((double) counts.get(Stream.ORDERS) / counts.get(Stream.CLICKS)).isBetween(0.01, 0.2);
        assertThat(counts.get(Stream.ORDER_UPDATES)).isLessThan(counts.get(Stream.ORDERS));
        assertThat(counts.get(Stream.SPEND)).isLessThan(counts.get(Stream.ORDERS));
        assertThat(views / EVENTS).as("views dominate").isBetween(0.8, 0.95);
    }

    @Test
    void densityFollowsTheSetting() {
        long last = records.stream().mapToLong(GeneratedRecord::ts).max().orElseThrow();
        double simulatedSeconds = (last - settings.startTs) / 1000.0;
        assertThat(EVENTS / simulatedSeconds).isBetween(0.8 * 20, 1.2 * 20);
    }

    @Test
    void everyTierIsRepresentedAndCreatorsCrossTiers() {
        Set<Tier> initial = EnumSet.noneOf(Tier.class);
        Map<String, Tier> first = new HashMap<>();
        Set<String> crossed = new HashSet<>();
        for (Creator c : typed(Creator.class)) {
            Tier tier = Tier.ofFollowers(c.followers);
            if (c.ts == settings.startTs) initial.add(tier);
            Tier before = first.putIfAbsent(c.creatorId, tier);
            if (before != null && before != tier) crossed.add(c.creatorId);
        }
        assertThat(initial).containsExactlyInAnyOrder(Tier.NANO, Tier.MICRO, Tier.MID, Tier.MACRO, Tier.MEGA);
        assertThat(crossed).hasSizeGreaterThanOrEqualTo(2);
        assertThat(typed(Creator.class)).anySatisfy(c -> assertThat(c.userId).isNotNull());
    }

    /** Lines with a click, lines seen but not clicked (view-through), lines with no touch (organic), multi-touch. */
    @Test
    void ordersCoverEveryKindOfTouch() {
        Map<String, List<Click>> clicks = new HashMap<>();
        Map<String, Long> lastView = new HashMap<>();
        int clicked = 0;
        int viewThrough = 0;
        int organic = 0;
        int multiCreator = 0;
        for (GeneratedRecord r : records) {
            Object o = r.record();
            if (o instanceof Click) {
                Click c = (Click) o;
                clicks.computeIfAbsent(c.userId + "|" + c.productId, k -> new ArrayList<>()).add(c);
            } else if (o instanceof View) {
                View v = (View) o;
                for (String p : v.productIds) lastView.merge(v.userId + "|" + p, v.ts, Math::max);
            } else if (o instanceof Order) {
                Order order = (Order) o;
                for (OrderLine line : order.lines) {
                    String key = order.userId + "|" + line.productId;
                    List<Click> candidates = new ArrayList<>();
                    for (Click c : clicks.getOrDefault(key, List.of())) {
                        if (c.ts <= order.ts && c.ts >= order.ts - 7 * DAY) candidates.add(c);
                    }
                    Long seen = lastView.get(key);
                    if (!candidates.isEmpty()) {
                        clicked++;
                        if (candidates.stream().map(c -> c.creatorId).distinct().count() > 1) multiCreator++;
                    } else if (seen != null && seen <= order.ts && seen >= order.ts - DAY) {
                        viewThrough++;
                    } else {
                        organic++;
                    }
                }
            }
        }
        assertThat(clicked).isPositive();
        assertThat(viewThrough).isPositive().isLessThan(clicked);
        assertThat(organic).isPositive();
        assertThat(multiCreator).isPositive();
    }

    @Test
    void creatorsBuyThroughTheirOwnContent() {
        Map<String, String> shopperOf = new HashMap<>();
        for (Creator c : typed(Creator.class)) {
            if (c.userId != null) shopperOf.put(c.creatorId, c.userId);
        }
        assertThat(typed(Click.class)).anySatisfy(c -> assertThat(c.userId).isEqualTo(shopperOf.get(c.creatorId)));
    }

    @Test
    void updatesReferenceEarlierOrderLines() {
        Map<String, Long> lineAmounts = new HashMap<>();
        Map<String, Long> orderTs = new HashMap<>();
        Map<UpdateKind, Integer> kinds = new EnumMap<>(UpdateKind.class);
        int partial = 0;
        for (GeneratedRecord r : records) {
            if (r.record() instanceof Order) {
                Order order = (Order) r.record();
                orderTs.put(order.orderId, order.ts);
                for (OrderLine l : order.lines) lineAmounts.put(order.orderId + "|" + l.lineId, l.lineAmountCents());
            } else if (r.record() instanceof OrderUpdate) {
                OrderUpdate u = (OrderUpdate) r.record();
                Long amount = lineAmounts.get(u.orderId + "|" + u.lineId);
                assertThat(amount).as("line of %s", u).isNotNull();
                assertThat(u.ts).isGreaterThan(orderTs.get(u.orderId));
                if (u.amountCents != null) {
                    partial++;
                    assertThat(u.kind).isEqualTo(UpdateKind.REFUND);
                    assertThat(u.amountCents).isBetween(1L, amount);
                }
                kinds.merge(u.kind, 1, Integer::sum);
            }
        }
        assertThat(kinds).containsKeys(UpdateKind.CANCEL, UpdateKind.REFUND);
        assertThat(partial).isPositive();
    }

    @Test
    void disorderStaysWithinTheBound() {
        Map<Stream, Long> maxTs = new EnumMap<>(Stream.class);
        long maxLag = 0;
        for (GeneratedRecord r : records) {
            long max = Math.max(maxTs.getOrDefault(r.stream(), Long.MIN_VALUE), r.ts());
            maxTs.put(r.stream(), max);
            maxLag = Math.max(maxLag, max - r.ts());
        }
        assertThat(maxLag).isPositive().isLessThanOrEqualTo(settings.disorderMs);
    }

    @Test
    void theSmallestWorldAndExtremeDensitiesRun() {
        for (double density : new double[] {1, 1_000_000}) {
            GeneratorSettings s = new GeneratorSettings();
            s.merchants = 2;
            s.productsPerMerchant = 4;
            s.creators = 10;
            s.users = 100;
            s.contentsPerCreator = 1;
            s.eventsPerSimulatedSecond = density;
            s.invalid = 0.01;
            Generator generator = new Generator(s);
            Map<Stream, Long> seen = new EnumMap<>(Stream.class);
            for (int i = 0; i < 20_000; i++) seen.merge(generator.next().stream(), 1L, Long::sum);
            assertThat(seen).as("density %s", density).containsKeys(Stream.VIEWS, Stream.CLICKS, Stream.ORDERS);
        }
    }

    @Test
    void withoutDisorderRecordsComeInTsOrder() {
        GeneratorSettings s = new GeneratorSettings();
        s.disorderMs = 0;
        s.duplicates = 0.05;
        Generator generator = new Generator(s);
        long previous = Long.MIN_VALUE;
        for (int i = 0; i < 20_000; i++) {
            long ts = generator.next().ts();
            assertThat(ts).isGreaterThanOrEqualTo(previous);
            previous = ts;
        }
    }

    /** A duplicate is the very record re-sent, so it writes the same line. */
    @Test
    void duplicatesAreExactResends() {
        Set<GeneratedRecord> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Map<String, GeneratedRecord> byId = new HashMap<>();
        int duplicates = 0;
        int eventRecords = 0;
        for (GeneratedRecord r : records) {
            if (r.isRaw() || !isEvent(r.stream())) continue;
            eventRecords++;
            if (!seen.add(r)) {
                duplicates++;
                assertThat(r.json()).isEqualTo(byId.get(r.stream() + idOf(r)).json());
            } else {
                assertThat(byId.put(r.stream() + idOf(r), r)).as("ids are unique").isNull();
            }
        }
        assertThat((double) duplicates / eventRecords).isBetween(settings.duplicates / 3, settings.duplicates * 3);
    }

    private static String idOf(GeneratedRecord r) {
        Object o = r.record();
        if (o instanceof Order) return ((Order) o).orderId;
        if (o instanceof View) return ((View) o).eventId;
        if (o instanceof Click) return ((Click) o).eventId;
        if (o instanceof OrderUpdate) return ((OrderUpdate) o).eventId;
        if (o instanceof Engagement) return ((Engagement) o).eventId;
        if (o instanceof Review) return ((Review) o).eventId;
        return ((Spend) o).eventId;
    }

    private static boolean isEvent(Stream s) {
        return s == Stream.VIEWS || s == Stream.ENGAGEMENTS || s == Stream.CLICKS || s == Stream.ORDERS
                || s == Stream.ORDER_UPDATES || s == Stream.SPEND || s == Stream.REVIEWS;
    }

    /**
     * The project's parser reads every record back as it was generated (views: every 20th) and rejects every invalid
     * line for one of the three reasons; a sample of each stream also passes its JSON Schema.
     */
    @Test
    void recordsParseBackAndInvalidLinesAreRejected() {
        Map<DeadLetterReason, Integer> rejected = new EnumMap<>(DeadLetterReason.class);
        Map<Stream, Integer> schemaChecked = new EnumMap<>(Stream.class);
        int parsed = 0;
        for (int i = 0; i < records.size(); i++) {
            GeneratedRecord r = records.get(i);
            if (r.stream() == Stream.VIEWS && !r.isRaw() && i % 20 != 0) continue;
            byte[] line = r.json().getBytes(StandardCharsets.UTF_8);
            if (r.isRaw()) {
                assertThatThrownBy(() -> Json.read(RecordReader.recordType(r.stream()), line)).as(r.json())
                        .isInstanceOfSatisfying(InvalidRecordException.class,
                                e -> rejected.merge(e.reason(), 1, Integer::sum));
                continue;
            }
            try {
                assertThat(withDefaultFormat(Json.read(RecordReader.recordType(r.stream()), line))).as(r.json()).isEqualTo(r.record());
                parsed++;
            } catch (InvalidRecordException e) {
                throw new AssertionError(e.getMessage() + ": " + r.json(), e);
            }
            if (schemaChecked.merge(r.stream(), 1, Integer::sum) <= 200) {
                SchemaSupport.assertValid(r.stream().wireName(), r.json());
            }
        }
        assertThat(parsed).isGreaterThan(20_000);
        assertThat(rejected.keySet()).containsExactlyInAnyOrder(DeadLetterReason.MALFORMED_JSON,
                DeadLetterReason.MISSING_FIELD, DeadLetterReason.INVALID_VALUE);
        int raw = rejected.values().stream().mapToInt(Integer::intValue).sum();
        assertThat((double) raw / EVENTS).isBetween(settings.invalid / 2, settings.invalid * 2);
    }

    /** The generator leaves contentFormat out now and then; readers take it as OTHER. */
    private static Object withDefaultFormat(Object parsed) {
        if (parsed instanceof View && "OTHER".equals(((View) parsed).contentFormat)) {
            ((View) parsed).contentFormat = null;
        } else if (parsed instanceof Click && "OTHER".equals(((Click) parsed).contentFormat)) {
            ((Click) parsed).contentFormat = null;
        } else if (parsed instanceof Engagement && "OTHER".equals(((Engagement) parsed).contentFormat)) {
            ((Engagement) parsed).contentFormat = null;
        }
        return parsed;
    }

    @Test
    void idsAreReadable() {
        Pattern event = Pattern.compile("v-\\d+");
        Pattern user = Pattern.compile("u-\\d{6}");
        Pattern creator = Pattern.compile("c-\\d{4}");
        Pattern content = Pattern.compile("ct-\\d{4}-\\d{2}");
        Pattern product = Pattern.compile("p-\\d{3}-\\d{3}");
        for (View v : typed(View.class)) {
            assertThat(event.matcher(v.eventId).matches()).as(v.eventId).isTrue();
            assertThat(user.matcher(v.userId).matches()).as(v.userId).isTrue();
            assertThat(creator.matcher(v.creatorId).matches()).as(v.creatorId).isTrue();
            assertThat(content.matcher(v.contentId).matches()).as(v.contentId).isTrue();
            for (String p : v.productIds) assertThat(product.matcher(p).matches()).as(p).isTrue();
        }
        for (Order o : typed(Order.class)) {
            assertThat(o.orderId).matches("o-\\d+");
            assertThat(o.merchantId).matches("m-\\d{3}");
            String n = o.orderId.substring(2);
            for (int i = 0; i < o.lines.length; i++) assertThat(o.lines[i].lineId).isEqualTo("l-" + n + "-" + (i + 1));
        }
    }
}
