package io.tally.generate;

import io.tally.event.Click;
import io.tally.event.Order;
import io.tally.event.OrderLine;
import io.tally.event.Review;
import io.tally.event.Stream;
import io.tally.io.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reviews stream: buyers' reviews of the lines they bought, and the story of {@link Scenarios} where a promoted
 * product gets a burst of bad reviews (what the default rule {@code review-score-drop} looks for: PRODUCT, 1h,
 * avgRating &lt; 3.0 with at least 5 reviews while clicks &gt;= 1), then recovers. Two simulated days at a sparse
 * density (3 events per simulated second), so that reviews days after their orders show up.
 */
class ReviewsTest {
    private static final long HOUR = 3_600_000L;
    private static final long DAY = 24 * HOUR;
    /** Seed 42's cast: the first merchant's third product, promoted by the first content of c-0061 (see README). */
    private static final String STORY_PRODUCT = "p-001-003";
    private static final String STORY_CONTENT = "ct-0061-01";

    private static GeneratorSettings settings;
    private static long start;
    private static final List<GeneratedRecord> records = new ArrayList<>();

    @BeforeAll
    static void run() {
        settings = new GeneratorSettings();
        settings.eventsPerSimulatedSecond = 3;
        settings.invalid = 0.002;
        Generator generator = new Generator(settings);
        start = generator.startTs();
        long end = start + 2 * DAY;
        for (GeneratedRecord r = generator.next(); r.ts() < end + settings.disorderMs; r = generator.next()) {
            if (r.ts() < end) records.add(r);
        }
    }

    private static List<Review> reviews() {
        List<Review> result = new ArrayList<>();
        for (GeneratedRecord r : records) {
            if (r.record() instanceof Review review) result.add(review);
        }
        return result;
    }

    @Test
    void reviewsReadBackValidWithRatingsFromOneToFive() throws Exception {
        List<Review> reviews = reviews();
        assertThat(reviews).hasSizeGreaterThan(100);
        for (GeneratedRecord r : records) {
            if (r.stream() != Stream.REVIEWS || r.isRaw()) continue;
            Review read = Json.read(Review.class, r.json().getBytes(StandardCharsets.UTF_8));
            assertThat(read).as(r.json()).isEqualTo(r.record());
            assertThat(read.rating).isBetween(1, 5);
            assertThat(read.eventId).matches("r-\\d+");
        }
        Map<Integer, Integer> ratings = new TreeMap<>();
        for (Review r : reviews) ratings.merge(r.rating, 1, Integer::sum);
        assertThat(ratings.keySet()).containsExactly(1, 2, 3, 4, 5);
        // Mostly 4 and 5 outside the story.
        long good = reviews.stream().filter(r -> !r.productId.equals(STORY_PRODUCT) && r.rating >= 4).count();
        long others = reviews.stream().filter(r -> !r.productId.equals(STORY_PRODUCT)).count();
        assertThat((double) good / others).isGreaterThan(0.6);
    }

    /** Every review naming an order names one written earlier with a line for the product; a few name none. */
    @Test
    void reviewsNameEarlierOrdersOfTheirProduct() {
        Map<String, Order> orders = new HashMap<>();
        int named = 0;
        int unnamed = 0;
        int afterADay = 0;
        for (GeneratedRecord r : records) {
            if (r.record() instanceof Order o) {
                orders.put(o.orderId, o);
            } else if (r.record() instanceof Review review) {
                if (review.orderId == null) {
                    unnamed++;
                    continue;
                }
                named++;
                Order order = orders.get(review.orderId);
                assertThat(order).as("order of %s", review).isNotNull();
                assertThat(review.ts).as("%s after %s", review, order).isGreaterThan(order.ts);
                assertThat(review.userId).isEqualTo(order.userId);
                assertThat(review.merchantId).isEqualTo(order.merchantId);
                assertThat(order.lines).extracting(l -> l.productId).as("%s of %s", review, order)
                        .contains(review.productId);
                if (review.ts - order.ts > DAY) afterADay++;
            }
        }
        assertThat(named).isGreaterThan(50);
        assertThat(unnamed).isPositive().isLessThan(named);
        assertThat(afterADay).as("reviews days after the order").isPositive();
    }

    @Test
    void sameSeedSameReviewsOtherSeedOthers() {
        assertThat(firstReviews(42)).isEqualTo(firstReviews(42)).isNotEqualTo(firstReviews(43));
    }

    private static List<String> firstReviews(long seed) {
        GeneratorSettings s = settings.copy();
        s.seed = seed;
        Generator generator = new Generator(s);
        List<String> lines = new ArrayList<>();
        for (GeneratedRecord r = generator.next(); r.ts() < generator.startTs() + 5 * HOUR; r = generator.next()) {
            if (r.stream() == Stream.REVIEWS) lines.add(r.json());
        }
        assertThat(lines).hasSizeGreaterThan(20);
        return lines;
    }

    /** Reviews are damaged like other activity (invalid lines) and re-sent now and then (duplicates). */
    @Test
    void reviewsAreDamagedAndResentLikeOtherActivity() {
        GeneratorSettings s = settings.copy();
        s.invalid = 0.05;
        s.duplicates = 0.2;
        Generator generator = new Generator(s);
        int raw = 0;
        int resent = 0;
        Set<String> seen = new HashSet<>();
        for (GeneratedRecord r = generator.next(); r.ts() < generator.startTs() + 4 * HOUR; r = generator.next()) {
            if (r.stream() != Stream.REVIEWS) continue;
            if (r.isRaw()) raw++;
            else if (!seen.add(r.json())) resent++;
        }
        assertThat(raw).isPositive();
        assertThat(resent).isPositive();
    }

    /**
     * The story, read as the rule would: in the hourly windows of the burst (hours 0 and 1) the promoted product has
     * at least 5 reviews averaging below 3 and at least one click; the hour after, at least 5 reviews averaging 3 or
     * more (and still clicks): the rule resolves. No other window breaches.
     */
    @Test
    void aPromotedProductGetsABurstOfBadReviewsThenRecovers() {
        Map<Long, long[]> hourly = new TreeMap<>(); // window start -> {reviews, ratingSum, clicks}
        Set<String> promoters = new HashSet<>();
        for (GeneratedRecord r : records) {
            if (r.record() instanceof Review review && review.productId.equals(STORY_PRODUCT)) {
                long[] w = hourly.computeIfAbsent(review.ts / HOUR * HOUR, k -> new long[3]);
                w[0]++;
                w[1] += review.rating;
            } else if (r.record() instanceof Click click && click.productId.equals(STORY_PRODUCT)) {
                hourly.computeIfAbsent(click.ts / HOUR * HOUR, k -> new long[3])[2]++;
                promoters.add(click.contentId);
            }
        }
        assertThat(promoters).contains(STORY_CONTENT);
        List<Long> breaching = new ArrayList<>();
        hourly.forEach((window, w) -> {
            if (w[0] >= 5 && (double) w[1] / w[0] < 3.0 && w[2] >= 1) breaching.add(window - start);
        });
        assertThat(breaching).containsExactly(0L, HOUR);
        assertThat(Scenarios.BAD_REVIEWS_END).isEqualTo(2 * HOUR);
        long[] recovered = hourly.get(start + Scenarios.BAD_REVIEWS_END);
        assertThat(recovered[0]).isGreaterThanOrEqualTo(5);
        assertThat((double) recovered[1] / recovered[0]).isGreaterThanOrEqualTo(3.0);
        assertThat(recovered[2]).isPositive();
        for (long h = 0; h < Scenarios.REVIEWS_RECOVERED_UNTIL; h += HOUR) {
            assertThat(hourly.get(start + h)[2]).as("clicks in hour %d", h / HOUR).isPositive();
        }
    }

    /**
     * GeneratedReplayTest's data set (seed 7, 60k records at 20 per simulated second: 50 minutes) already holds a
     * breaching window of the story's product (the bounded replay closes the first hour at the end of its input).
     */
    @Test
    void aSmallReplayDataSetHoldsTheBurst() {
        GeneratorSettings s = new GeneratorSettings();
        s.seed = 7;
        s.eventsPerSimulatedSecond = 20;
        s.invalid = 0;
        Generator generator = new Generator(s);
        StoryWindow first = new StoryWindow();
        for (int i = 0; i < 60_000; i++) {
            GeneratedRecord r = generator.next();
            if (r.ts() < generator.startTs() + HOUR) first.add(r);
        }
        first.assertBreaches();
    }

    /** However dense the traffic, the burst still breaches: every review of the product meanwhile is bad. */
    @Test
    void theBurstBreachesAtHighDensityToo() {
        GeneratorSettings s = new GeneratorSettings();
        s.eventsPerSimulatedSecond = 50;
        Generator generator = new Generator(s);
        long from = generator.startTs() + HOUR; // the second window of the burst: its first has 50 minutes of it
        long until = from + HOUR;
        StoryWindow second = new StoryWindow();
        for (GeneratedRecord r = generator.next(); r.ts() < until + s.disorderMs; r = generator.next()) {
            if (r.ts() >= from && r.ts() < until) second.add(r);
        }
        second.assertBreaches();
    }

    /** The story product's reviews and clicks in one hourly window, and whether review-score-drop breaches there. */
    private static final class StoryWindow {
        long reviews;
        long ratingSum;
        long clicks;

        void add(GeneratedRecord r) {
            if (r.record() instanceof Review review && review.productId.equals(STORY_PRODUCT)) {
                reviews++;
                ratingSum += review.rating;
            } else if (r.record() instanceof Click click && click.productId.equals(STORY_PRODUCT)) {
                clicks++;
            }
        }

        /** avgRating < 3.0 with at least 5 reviews, while the product is clicked. */
        void assertBreaches() {
            assertThat(reviews).isGreaterThanOrEqualTo(5);
            assertThat((double) ratingSum / reviews).isLessThan(3.0);
            assertThat(clicks).isPositive();
        }
    }
}
