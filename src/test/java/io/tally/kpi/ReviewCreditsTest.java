package io.tally.kpi;

import io.tally.attribution.Attribution;
import io.tally.attribution.Touch;
import org.junit.jupiter.api.Test;

import static io.tally.kpi.KpiFixtures.DAY;
import static io.tally.kpi.KpiFixtures.credited;
import static io.tally.kpi.KpiFixtures.organic;
import static io.tally.kpi.KpiFixtures.reversal;
import static io.tally.kpi.KpiFixtures.review;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The credit rule of reviews (CONTRACT section 8), for one order: a review at R of the order's line for its product is
 * credited to that line's creator, content, tier and format when T <= R <= T + settlement window and the line's
 * primary attribution has touch CLICK or VIEW; any other review is not credited.
 */
class ReviewCreditsTest {
    private static final long T = 100 * DAY;
    private static final long SETTLEMENT = 30 * DAY;

    private final ReviewCredits credits = new ReviewCredits();

    private static Attribution line(String lineId, String product, String creator, String content) {
        return credited("o1", lineId, T, "m1", product, 1, 1_000, false, creator, content, "REVIEW", "MID", 1.0,
                1_000, 100, null);
    }

    private ReviewCredit creditAt(long r, String product) {
        return credits.creditOf(review("r1", r, product, "m1", 4, "o1"), SETTLEMENT);
    }

    @Test
    void aReviewIsCreditedFromTheOrdersTsToTheEndOfTheSettlementWindowBothBoundsIncluded() {
        assertThat(credits.remember(line("l1", "p1", "c1", "v1"))).isTrue();

        assertThat(creditAt(T - 1, "p1")).as("before the order").isNull();
        assertThat(creditAt(T, "p1")).as("at the order's ts").isNotNull();
        assertThat(creditAt(T + SETTLEMENT, "p1")).as("at the settlement window's last millisecond").isNotNull();
        assertThat(creditAt(T + SETTLEMENT + 1, "p1")).as("after the settlement window").isNull();
    }

    @Test
    void theCreditIsTheCreatorContentTierAndFormatOfTheReviewedLine() {
        Attribution a = credited("o1", "l1", T, "m1", "p1", 1, 1_000, false, "c1", "v1", "HUMOR", "NANO", 1.0,
                1_000, 100, null);
        credits.remember(a);

        ReviewCredit c = creditAt(T + DAY, "p1");
        assertThat(c.creatorId).isEqualTo("c1");
        assertThat(c.contentId).isEqualTo("v1");
        assertThat(c.tier).isEqualTo("NANO");
        assertThat(c.contentFormat).isEqualTo("HUMOR");
    }

    @Test
    void aViewThroughLineIsCreditedLikeAClickedOne() {
        Attribution a = line("l1", "p1", "c1", "v1");
        a.touch = Touch.VIEW;
        credits.remember(a);
        assertThat(creditAt(T + DAY, "p1").creatorId).isEqualTo("c1");
    }

    @Test
    void anOrganicLineIsNotCredited() {
        assertThat(credits.remember(organic("o1", "l1", T, "m1", "p1", 1, 1_000, true))).isFalse();
        assertThat(creditAt(T + DAY, "p1")).isNull();
        assertThat(credits.isEmpty()).isTrue();
    }

    @Test
    void aReversalIsIgnored() {
        Attribution a = line("l1", "p1", "c1", "v1");
        assertThat(credits.remember(reversal(a, "x1", T + DAY, 1_000, 100))).isFalse();
        assertThat(credits.isEmpty()).as("a reversal alone makes no credit").isTrue();
        assertThat(creditAt(T + 2 * DAY, "p1")).isNull();

        credits.remember(a);
        assertThat(credits.remember(reversal(a, "x2", T + 3 * DAY, 1_000, 100))).isFalse();
        assertThat(creditAt(T + 4 * DAY, "p1").creatorId).as("a refunded line still credits its reviews")
                .isEqualTo("c1");
    }

    @Test
    void ofTwoLinesOfTheReviewedProductTheFirstByLineIdIsCreditedWhateverTheOrderTheyCameIn() {
        credits.remember(line("l2", "p1", "c2", "v2"));
        credits.remember(line("l3", "p2", "c3", "v3"));
        credits.remember(line("l1", "p1", "c1", "v1"));
        assertThat(creditAt(T + DAY, "p1").creatorId).isEqualTo("c1");
        assertThat(creditAt(T + DAY, "p2").creatorId).isEqualTo("c3");
    }

    @Test
    void aReviewOfAProductTheOrderDoesNotHaveIsNotCredited() {
        credits.remember(line("l1", "p1", "c1", "v1"));
        assertThat(creditAt(T + DAY, "p9")).isNull();
    }

    @Test
    void aReviewOfAnOrderWithoutAttributedLinesIsNotCredited() {
        assertThat(creditAt(T, "p1")).isNull();
    }

    /** A LINEAR line has a credit per (creator, content): the review goes to the latest touch, in any arrival order. */
    @Test
    void ofALineSplitOverSeveralCreditsTheLatestTouchIsCredited() {
        Attribution early = line("l1", "p1", "c1", "v1");
        early.weight = 0.5;
        early.touchTs = T - 2_000;
        early.touchEventId = "k9";
        Attribution late = line("l1", "p1", "c2", "v2");
        late.weight = 0.5;
        late.touchTs = T - 1_000;
        late.touchEventId = "k1";
        Attribution sameTsGreaterId = line("l1", "p1", "c3", "v3");
        sameTsGreaterId.touchTs = T - 1_000;
        sameTsGreaterId.touchEventId = "k2";

        ReviewCredits forward = new ReviewCredits();
        forward.remember(early);
        forward.remember(late);
        ReviewCredits backward = new ReviewCredits();
        backward.remember(late);
        backward.remember(early);
        assertThat(forward.creditOf(review("r1", T, "p1", "m1", 5, "o1"), SETTLEMENT).creatorId).isEqualTo("c2");
        assertThat(backward.creditOf(review("r1", T, "p1", "m1", 5, "o1"), SETTLEMENT).creatorId).isEqualTo("c2");

        forward.remember(sameTsGreaterId);
        assertThat(forward.creditOf(review("r1", T, "p1", "m1", 5, "o1"), SETTLEMENT).creatorId).isEqualTo("c3");
    }
}
