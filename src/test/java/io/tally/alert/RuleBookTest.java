package io.tally.alert;

import io.tally.event.AlertRule;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.tally.alert.AlertFixtures.MINUTE;
import static io.tally.alert.AlertFixtures.baseline;
import static io.tally.alert.AlertFixtures.disabled;
import static io.tally.alert.AlertFixtures.rule;
import static io.tally.alert.AlertFixtures.with;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link RuleBook} against CONTRACT section 5: which rule versions apply to a window slot. */
class RuleBookTest {
    private static final AlertKey C1 = new AlertKey("CREATOR", "c1", MINUTE);

    private final List<AlertRule> configured = new ArrayList<>();
    /** Streamed versions by ruleId, as the broadcast state holds them. */
    private final Map<String, List<AlertRule>> streamed = new LinkedHashMap<>();

    private void stream(AlertRule version) {
        streamed.computeIfAbsent(version.ruleId, id -> new ArrayList<>()).add(version);
    }

    private RuleBook book() {
        return RuleBook.merge(configured, streamed.entrySet());
    }

    @Test
    void aVersionAppliesToWindowsStartingAtOrAfterItsTs() {
        AlertRule first = rule("busy", 0, "clicks", ">=", 10);
        AlertRule second = rule("busy", 2 * MINUTE, "clicks", ">=", 100);
        stream(first);
        stream(second);

        assertThat(book().inForce(C1, 2 * MINUTE - 1)).containsExactly(Map.entry("busy", first));
        assertThat(book().inForce(C1, 2 * MINUTE)).containsExactly(Map.entry("busy", second));
    }

    @Test
    void aRuleIsNotInForceBeforeItsFirstVersion() {
        stream(rule("busy", MINUTE, "clicks", ">=", 10));

        assertThat(book().inForce(C1, 0)).isEmpty();
    }

    @Test
    void aDisabledVersionRemovesTheRuleFromItsTs() {
        stream(rule("busy", 0, "clicks", ">=", 10));
        stream(disabled("busy", 2 * MINUTE));

        assertThat(book().inForce(C1, MINUTE)).containsOnlyKeys("busy");
        assertThat(book().inForce(C1, 2 * MINUTE)).isEmpty();
    }

    @Test
    void aStreamedVersionWithTheTsOfAConfiguredOneReplacesIt() {
        configured.add(rule("busy", 0, "clicks", ">=", 10));
        AlertRule streamedBusy = rule("busy", 0, "clicks", ">=", 100);
        stream(streamedBusy);

        assertThat(book().inForce(C1, 0)).containsExactly(Map.entry("busy", streamedBusy));
    }

    @Test
    void rulesOfAnotherDimensionOrWindowSizeAreNotInForceForTheKey() {
        configured.add(with(rule("product", 0, "clicks", ">=", 10), r -> r.dimension = "PRODUCT"));
        configured.add(with(rule("hourly", 0, "clicks", ">=", 10), r -> r.windowMs = 60 * MINUTE));

        assertThat(book().inForce(C1, 0)).isEmpty();
        assertThat(book().anyRuleFor(C1)).isFalse();
    }

    @Test
    void aKeyIsWatchedWhenAnyEnabledVersionAtAnyTimeWatchesIt() {
        assertThat(book().anyRuleFor(C1)).as("no rule").isFalse();

        stream(rule("later", 100 * MINUTE, "clicks", ">=", 10));
        assertThat(book().anyRuleFor(C1)).as("a version of the future").isTrue();
    }

    @Test
    void theDeepestBaselineIsTheMostSlotsAnyVersionWatchingTheKeyAveragesOver() {
        assertThat(book().deepestBaseline(C1)).as("no baseline rule").isZero();

        configured.add(baseline("spike", 0, "views", ">", 4, 2.0));
        stream(baseline("spike", 5 * MINUTE, "views", ">", 6, 2.0));
        configured.add(with(baseline("hourly", 0, "views", ">", 12, 2.0), r -> r.windowMs = 60 * MINUTE));

        assertThat(book().deepestBaseline(C1)).isEqualTo(6);
    }
}
