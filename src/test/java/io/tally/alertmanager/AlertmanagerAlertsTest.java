package io.tally.alertmanager;

import io.tally.alert.Alert;
import io.tally.alert.AlertState;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What Alertmanager is told of each transition of the alerts topic (README, section Alertmanager). */
class AlertmanagerAlertsTest {
    private static final long T = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    private static final long HOUR = 3_600_000L;
    private static final Instant NOW = Instant.ofEpochMilli(T + 10 * HOUR);

    private final AlertmanagerAlerts alerts = new AlertmanagerAlerts(Map.of(), null);

    @Test
    void aFiringAlertIsKnownByItsRuleDimensionKeyMetricAndTheStartOfItsStreak() {
        PostableAlert p = alerts.apply(fired(T, 2), NOW);

        assertThat(p.labels()).containsExactlyInAnyOrderEntriesOf(Map.of("alertname", "cpa-high", "ruleId", "cpa-high",
                "dimension", "CREATOR", "key", "c-1", "metric", "cpa", "window", "2026-01-01T00:00:00Z"));
        assertThat(p.firing()).isTrue();
        assertThat(p.startsAt()).isEqualTo("2026-01-01T03:00:00Z");
    }

    @Test
    void annotationsSayTheValueTheThresholdAndTheWindowSlotThatFired() {
        PostableAlert p = alerts.apply(fired(T, 2), NOW);

        assertThat(p.annotations()).containsEntry("summary", "cpa 4.25 > 3 on CREATOR c-1 (1h window from 2026-01-01T02:00:00Z)")
                .containsEntry("value", "4.25").containsEntry("threshold", "3").containsEntry("op", ">")
                .containsEntry("windowStart", "2026-01-01T02:00:00Z").containsEntry("windowEnd", "2026-01-01T03:00:00Z")
                .containsEntry("alertId", "cpa-high|CREATOR|c-1|" + T);
    }

    @Test
    void aValueOrThresholdThatCouldNotBeComputedReadsNone() {
        Alert r = resolved(fired(T, 2), 3);
        r.value = null;
        r.threshold = null;

        assertThat(alerts.apply(r, NOW).annotations()).containsEntry("value", "none").containsEntry("threshold", "none");
    }

    @Test
    void aResolvedAlertEndsAtItsEventTimeKeepsItsStartAndIsNoLongerResent() {
        Alert f = fired(T, 2);
        alerts.apply(f, NOW);
        assertThat(alerts.firing()).hasSize(1);

        PostableAlert p = alerts.apply(resolved(f, 5), NOW);

        assertThat(p.firing()).isFalse();
        assertThat(p.startsAt()).isEqualTo("2026-01-01T03:00:00Z");
        assertThat(p.endsAt()).isEqualTo("2026-01-01T08:00:00Z");
        assertThat(p.labels()).isEqualTo(alerts.apply(f, NOW).labels());
        alerts.apply(resolved(f, 5), NOW);
        assertThat(alerts.firing()).isEmpty();
        assertThat(alerts.firingCount()).isZero();
    }

    @Test
    void anAlertWhoseEventTimeIsAheadOfTheClockStartsNowAndEndsNoLaterThanNow() {
        Alert f = fired(T + 20 * HOUR, 0);
        PostableAlert firing = alerts.apply(f, NOW);
        assertThat(firing.startsAt()).isEqualTo(NOW.toString());

        PostableAlert resolved = alerts.apply(resolved(f, 1), NOW.plusSeconds(60));
        assertThat(resolved.startsAt()).isEqualTo(NOW.toString());
        assertThat(resolved.endsAt()).isEqualTo(NOW.plusSeconds(60).toString());
    }

    @Test
    void aResolvedAlertNeverEndsBeforeItStarted() {
        Alert f = fired(T + 20 * HOUR, 0);
        alerts.apply(f, NOW); // starts now, though its event time is later
        Alert r = resolved(f, 1);
        r.ts = T + 9 * HOUR; // a resolution whose event time is before the start

        PostableAlert p = alerts.apply(r, NOW.plusSeconds(1));
        assertThat(p.endsAt()).isEqualTo(p.startsAt());
    }

    @Test
    void aResolvedAlertWhoseFiringRecordWasNeverReadStillResolves() {
        PostableAlert p = alerts.apply(resolved(fired(T, 2), 5), NOW);

        assertThat(p.firing()).isFalse();
        assertThat(p.startsAt()).isEqualTo(p.endsAt()).isEqualTo("2026-01-01T08:00:00Z");
        assertThat(alerts.firing()).isEmpty();
    }

    @Test
    void twoStreaksOfOneRuleAndKeyAreTwoAlertmanagerAlerts() {
        PostableAlert first = alerts.apply(fired(T, 0), NOW);
        PostableAlert second = alerts.apply(fired(T + 5 * HOUR, 0), NOW);

        assertThat(first.labels()).isNotEqualTo(second.labels());
        assertThat(alerts.firing()).hasSize(2);
    }

    @Test
    void aFiringAlertIsPostedValidUntilTheGivenTimeAndAResolvedOneAsItIs() {
        Alert f = fired(T, 0);
        Instant until = NOW.plusSeconds(240);

        assertThat(alerts.apply(f, NOW).asOf(until).endsAt()).isEqualTo(until.toString());
        PostableAlert resolved = alerts.apply(resolved(f, 1), NOW);
        assertThat(resolved.asOf(until)).isEqualTo(resolved);
    }

    @Test
    void theDeploymentsLabelsAndGeneratorUrlGoOnEveryAlert() {
        AlertmanagerAlerts withLabels = new AlertmanagerAlerts(Map.of("env", "prod"), "http://dashboard:8080/");

        PostableAlert p = withLabels.apply(fired(T, 0), NOW);
        assertThat(p.labels()).containsEntry("env", "prod");
        assertThat(p.generatorURL()).isEqualTo("http://dashboard:8080/");
    }

    /** FIRING of a streak that began at {@code streakStart}, caused by the slot {@code slots} hours later. */
    private static Alert fired(long streakStart, int slots) {
        Alert a = new Alert();
        a.alertId = "cpa-high|CREATOR|c-1|" + streakStart;
        a.ruleId = "cpa-high";
        a.dimension = "CREATOR";
        a.key = "c-1";
        a.metric = "cpa";
        a.op = ">";
        a.value = 4.25;
        a.threshold = 3.0;
        a.state = AlertState.FIRING;
        a.windowStart = streakStart + slots * HOUR;
        a.windowEnd = a.windowStart + HOUR;
        a.ts = a.windowEnd;
        return a;
    }

    /** RESOLVED of the streak, caused by the slot {@code slots} hours after the firing one. */
    private static Alert resolved(Alert fired, int slots) {
        Alert r = fired(0, 0);
        r.alertId = fired.alertId;
        r.state = AlertState.RESOLVED;
        r.value = 1.0;
        r.windowStart = fired.windowStart + slots * HOUR;
        r.windowEnd = r.windowStart + HOUR;
        r.ts = r.windowEnd;
        return r;
    }
}
