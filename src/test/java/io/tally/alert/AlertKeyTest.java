package io.tally.alert;

import io.tally.kpi.Kpi;
import org.junit.jupiter.api.Test;

import static io.tally.alert.AlertFixtures.MINUTE;
import static io.tally.alert.AlertFixtures.record;
import static io.tally.alert.AlertFixtures.rule;
import static io.tally.alert.AlertFixtures.with;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link AlertKey}: the key of the alerts stage (CONTRACT section 5 rules watch a dimension and a window size). */
class AlertKeyTest {

    @Test
    void theKeyOfARecordReadsBackAsItsDimensionKeyAndWindowSize() {
        Kpi k = record("CREATOR", "c1", 3 * MINUTE, MINUTE, true);

        assertThat(AlertKey.parse(EvaluateAlerts.keyOf(k))).isEqualTo(new AlertKey("CREATOR", "c1", MINUTE))
                .isEqualTo(AlertKey.of(k));
    }

    @Test
    void aKeyMayContainTheSeparator() {
        Kpi k = record("CONTENT", "a|b|c", 0, 60 * MINUTE, true);

        assertThat(AlertKey.parse(EvaluateAlerts.keyOf(k))).isEqualTo(new AlertKey("CONTENT", "a|b|c", 60 * MINUTE));
    }

    @Test
    void anEnabledRuleOfTheSameDimensionAndWindowSizeWatchesTheKey() {
        AlertKey key = new AlertKey("CREATOR", "c1", MINUTE);

        assertThat(key.watchedBy(rule("r", 0, "clicks", ">", 1))).isTrue();
        assertThat(key.watchedBy(with(rule("r", 0, "clicks", ">", 1), r -> r.enabled = false))).isFalse();
        assertThat(key.watchedBy(with(rule("r", 0, "clicks", ">", 1), r -> r.dimension = "PRODUCT"))).isFalse();
        assertThat(key.watchedBy(with(rule("r", 0, "clicks", ">", 1), r -> r.windowMs = 60 * MINUTE))).isFalse();
    }
}
