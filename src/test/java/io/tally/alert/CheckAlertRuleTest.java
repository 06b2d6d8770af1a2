package io.tally.alert;

import io.tally.event.AlertRule;
import io.tally.io.DeadLetterReason;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.tally.alert.AlertFixtures.MINUTE;
import static io.tally.alert.AlertFixtures.disabled;
import static io.tally.alert.AlertFixtures.rule;
import static io.tally.alert.AlertFixtures.with;
import static io.tally.attribution.AttributionFixtures.deadLetters;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link CheckAlertRule}: a streamed rule's window must be one of the KPI window sizes (CONTRACT section 5). */
class CheckAlertRuleTest {
    private static final long[] SIZES = {MINUTE, 60 * MINUTE, 24 * 60 * MINUTE};

    private OneInputStreamOperatorTestHarness<AlertRule, AlertRule> harness;

    @AfterEach
    void close() throws Exception {
        if (harness != null) harness.close();
    }

    private OneInputStreamOperatorTestHarness<AlertRule, AlertRule> send(AlertRule rule) throws Exception {
        if (harness == null) harness = ProcessFunctionTestHarnesses.forProcessFunction(new CheckAlertRule(SIZES));
        harness.processElement(rule, rule.ts);
        return harness;
    }

    @Test
    void aRuleOverAKpiWindowSizePasses() throws Exception {
        AlertRule hourly = with(rule("r", 5, "clicks", ">", 1), r -> r.windowMs = 60 * MINUTE);
        send(rule("m", 0, "clicks", ">", 1));
        send(hourly);

        assertThat(harness.extractOutputValues()).containsExactly(rule("m", 0, "clicks", ">", 1), hourly);
        assertThat(deadLetters(harness)).isEmpty();
    }

    @Test
    void aRuleOverAnotherWindowIsADeadLetterNamingTheSizes() throws Exception {
        send(with(rule("five", 7, "clicks", ">", 1), r -> r.windowMs = 5 * MINUTE));

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(deadLetters(harness)).singleElement().satisfies(d -> {
            assertThat(d.stream).isEqualTo("alert-rules");
            assertThat(d.reason).isEqualTo(DeadLetterReason.INVALID_VALUE);
            assertThat(d.detail).isEqualTo("window: 5m is not a KPI window size (1m, 1h, 1d)");
            assertThat(d.payload).contains("\"ruleId\":\"five\"").contains("\"ts\":7");
        });
    }

    @Test
    void aDisabledVersionNeedsNoWindow() throws Exception {
        send(disabled("gone", 9));

        assertThat(harness.extractOutputValues()).containsExactly(disabled("gone", 9));
        assertThat(deadLetters(harness)).isEmpty();
    }

    @Test
    void problemIsNullForAFittingRule() {
        assertThat(CheckAlertRule.problem(rule("m", 0, "clicks", ">", 1), SIZES)).isNull();
        assertThat(CheckAlertRule.problem(with(rule("m", 0, "clicks", ">", 1), r -> r.windowMs = MINUTE + 1), SIZES))
                .startsWith("window: ");
    }
}
