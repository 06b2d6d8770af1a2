package io.tally.alertmanager;

import io.tally.alert.Alert;
import io.tally.alert.AlertState;
import io.tally.event.Durations;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What Alertmanager is told of Tally's alerts (README, section Alertmanager). Each streak of a rule and key (one
 * {@code alertId}: a FIRING record, then a RESOLVED one) is one Alertmanager alert, known by the labels
 * {@code alertname} and {@code ruleId} (the rule), {@code dimension}, {@code key}, {@code metric} and {@code window}
 * (the start of the streak's first window slot), plus any labels the deployment adds. Streaks stay apart even when
 * the records of two streaks of one key come from different partitions out of order.
 * <p>
 * Times are wall-clock times for Alertmanager, which rejects an alert that starts after it ends: an alert starts at
 * its FIRING record's event time, or now if that is still in the future; a RESOLVED one ends at its event time,
 * clamped between its start and now. Firing alerts are remembered until resolved, so that they can be re-sent.
 */
public final class AlertmanagerAlerts {
    private final Map<String, String> extraLabels;
    private final String generatorUrl;
    /** alertId -> the firing alert as first posted (its start must not move when it is re-sent). */
    private final Map<String, PostableAlert> firing = new LinkedHashMap<>();

    /**
     * @param extraLabels labels added to every alert (as Prometheus's external labels: env, cluster...)
     * @param generatorUrl where a responder finds more, e.g. the dashboard; null for none
     */
    public AlertmanagerAlerts(Map<String, String> extraLabels, String generatorUrl) {
        this.extraLabels = Map.copyOf(extraLabels);
        this.generatorUrl = generatorUrl;
    }

    /** Takes a transition read from the alerts topic; returns the alert that tells Alertmanager of it. */
    public PostableAlert apply(Alert alert, Instant now) {
        Instant at = Instant.ofEpochMilli(alert.ts);
        if (alert.state == AlertState.FIRING) {
            Instant start = at.isAfter(now) ? now : at;
            PostableAlert posted = new PostableAlert(labels(alert), annotations(alert), start.toString(), null, generatorUrl);
            firing.put(alert.alertId, posted);
            return posted;
        }
        PostableAlert fired = firing.remove(alert.alertId);
        // A RESOLVED record whose FIRING one was never read (the topic was compacted) still resolves the streak.
        Instant start = fired != null ? Instant.parse(fired.startsAt()) : (at.isAfter(now) ? now : at);
        Instant end = at.isAfter(now) ? now : at.isBefore(start) ? start : at;
        return new PostableAlert(labels(alert), annotations(alert), start.toString(), end.toString(), generatorUrl);
    }

    /** Every alert firing now, for re-sending: Alertmanager resolves an alert that is not re-sent in time. */
    public List<PostableAlert> firing() {
        return new ArrayList<>(firing.values());
    }

    /** Forgets every firing alert: start-up learns them again from the topic. */
    public void forget() {
        firing.clear();
    }

    public int firingCount() {
        return firing.size();
    }

    private Map<String, String> labels(Alert a) {
        Map<String, String> labels = new LinkedHashMap<>(extraLabels);
        labels.put("alertname", a.ruleId);
        labels.put("ruleId", a.ruleId);
        labels.put("dimension", a.dimension);
        labels.put("key", a.key);
        labels.put("metric", a.metric);
        labels.put("window", Instant.ofEpochMilli(streakStart(a)).toString());
        return labels;
    }

    private static Map<String, String> annotations(Alert a) {
        String window = Durations.format(Duration.ofMillis(a.windowEnd - a.windowStart));
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("summary", a.metric + " " + number(a.value) + " " + a.op + " " + number(a.threshold) + " on "
                + a.dimension + " " + a.key + " (" + window + " window from " + Instant.ofEpochMilli(a.windowStart) + ")");
        annotations.put("value", number(a.value));
        annotations.put("threshold", number(a.threshold));
        annotations.put("op", a.op);
        annotations.put("windowStart", Instant.ofEpochMilli(a.windowStart).toString());
        annotations.put("windowEnd", Instant.ofEpochMilli(a.windowEnd).toString());
        annotations.put("alertId", a.alertId);
        return annotations;
    }

    /** The last part of the alertId: the start of the streak's first window slot. */
    private static long streakStart(Alert a) {
        String id = a.alertId;
        return Long.parseLong(id.substring(id.lastIndexOf('|') + 1));
    }

    private static String number(Double v) {
        if (v == null) return "none";
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString(v.longValue()) : v.toString();
    }
}
