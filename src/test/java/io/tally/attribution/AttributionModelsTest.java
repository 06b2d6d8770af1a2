package io.tally.attribution;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AttributionModelsTest {
    private static final long DAY = 86_400_000L;

    private static TouchPoint click(String id, long ts, String creator, String content) {
        return new TouchPoint(id, ts, creator, content, "OTHER");
    }

    private final List<TouchPoint> three = List.of(
            click("e1", 1_000, "c1", "k1"), click("e2", 2_000, "c2", "k2"), click("e3", 3_000, "c3", "k3"));

    @Test
    void lastClickCreditsTheLatestClickWholly() {
        List<Credit> credits = AttributionModels.credit(Model.LAST_CLICK, three, 5_000, DAY);
        assertThat(credits).hasSize(1);
        assertThat(credits.get(0).touch.eventId).isEqualTo("e3");
        assertThat(credits.get(0).weight).isEqualByComparingTo("1");
    }

    @Test
    void firstClickCreditsTheEarliestClickWholly() {
        List<Credit> credits = AttributionModels.credit(Model.FIRST_CLICK, three, 5_000, DAY);
        assertThat(credits).extracting(c -> c.touch.eventId).containsExactly("e1");
    }

    @Test
    void linearSplitsEqually() {
        List<Credit> credits = AttributionModels.credit(Model.LINEAR, three, 5_000, DAY);
        assertThat(credits).extracting(c -> c.weight.doubleValue())
                .containsExactly(1.0 / 3, 1.0 / 3, 1.0 / 3);
    }

    @Test
    void positionBasedGivesFortyPercentToFirstAndLastAndSharesTwentyInTheMiddle() {
        List<TouchPoint> four = List.of(click("e1", 1, "c1", "k1"), click("e2", 2, "c2", "k2"),
                click("e3", 3, "c3", "k3"), click("e4", 4, "c4", "k4"));
        assertThat(AttributionModels.credit(Model.POSITION_BASED, four, 10, DAY))
                .extracting(c -> c.weight.doubleValue()).containsExactly(0.4, 0.1, 0.1, 0.4);
        assertThat(AttributionModels.credit(Model.POSITION_BASED, three.subList(0, 2), 10, DAY))
                .extracting(c -> c.weight.doubleValue()).containsExactly(0.5, 0.5);
        assertThat(AttributionModels.credit(Model.POSITION_BASED, three.subList(0, 1), 10, DAY))
                .extracting(c -> c.weight.doubleValue()).containsExactly(1.0);
    }

    @Test
    void timeDecayHalvesTheWeightPerHalfLife() {
        List<TouchPoint> two = List.of(click("old", 0, "c1", "k1"), click("new", DAY, "c2", "k2"));
        List<Credit> credits = AttributionModels.credit(Model.TIME_DECAY, two, DAY, DAY);
        // raw 0.5 and 1 -> 1/3 and 2/3
        assertThat(credits.get(0).weight.doubleValue()).isCloseTo(1.0 / 3, org.assertj.core.data.Offset.offset(1e-15));
        assertThat(credits.get(1).weight.doubleValue()).isCloseTo(2.0 / 3, org.assertj.core.data.Offset.offset(1e-15));
    }

    @Test
    void clicksOfTheSameContentAreMergedAndTheGroupIsRepresentedByItsLatestClick() {
        List<TouchPoint> clicks = List.of(click("a", 1, "c1", "k1"), click("b", 2, "c2", "k2"),
                click("c", 3, "c1", "k1"));
        List<Credit> credits = AttributionModels.credit(Model.LINEAR, clicks, 10, DAY);
        assertThat(credits).hasSize(2);
        assertThat(credits.get(0).touch.eventId).isEqualTo("c");
        assertThat(credits.get(0).weight.doubleValue()).isEqualTo(2.0 / 3);
        assertThat(credits.get(1).weight.doubleValue()).isEqualTo(1.0 / 3);
    }

    @Test
    void aSingleMergedGroupWeighsExactlyOne() {
        List<TouchPoint> clicks = List.of(click("a", 1, "c1", "k1"), click("b", 2, "c1", "k1"),
                click("c", 3, "c1", "k1"));
        for (Model m : Model.values()) {
            List<Credit> credits = AttributionModels.credit(m, clicks, 10, DAY);
            assertThat(credits).as(m.name()).hasSize(1);
            assertThat(credits.get(0).weight).as(m.name()).isEqualByComparingTo("1");
        }
    }
}
