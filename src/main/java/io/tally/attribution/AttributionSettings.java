package io.tally.attribution;

import io.tally.event.Stream;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code attribution} section of a job's configuration (CONTRACT section 3 defaults). Field names are the YAML keys. */
public class AttributionSettings implements Serializable {
    private static final long serialVersionUID = 1L;
    public Model primaryModel = Model.LAST_CLICK;
    /**
     * Models also computed for side-by-side comparison, written to attributions-shadow. The primary model, if
     * listed, is skipped, so switching the primary model needs no other edit.
     */
    public List<Model> shadowModels = new ArrayList<>(List.of(
            Model.FIRST_CLICK, Model.LINEAR, Model.TIME_DECAY, Model.POSITION_BASED));
    public Duration clickWindow = Duration.ofDays(7);
    public Duration viewWindow = Duration.ofDays(1);
    /** Half-life of TIME_DECAY weights. */
    public Duration halfLife = Duration.ofDays(1);
    /** Whether view-through lines earn commission. */
    public boolean payViewThrough = false;
    public Duration customerHorizon = Duration.ofDays(365);
    /** Updates later than this after the order go to dead letters AFTER_SETTLEMENT. */
    public Duration settlementWindow = Duration.ofDays(30);
    /**
     * How long after its ts an order is remembered at all (at least the settlement window): an update for a
     * remembered order past settlement is AFTER_SETTLEMENT, for a forgotten one UNKNOWN_ORDER.
     */
    public Duration orderMemory = Duration.ofDays(90);
    /** Dedup horizon per input stream (wire name). */
    public Map<String, Duration> dedup = defaultDedup();

    /** The shadow models other than the primary one. */
    public List<Model> effectiveShadowModels() {
        List<Model> models = new ArrayList<>(shadowModels);
        models.remove(primaryModel);
        return models;
    }

    public Duration dedupHorizon(Stream stream) {
        Duration d = dedup.get(stream.wireName());
        return d != null ? d : defaultDedup().get(stream.wireName());
    }

    public static Map<String, Duration> defaultDedup() {
        Map<String, Duration> m = new LinkedHashMap<>();
        m.put(Stream.VIEWS.wireName(), Duration.ofMinutes(5));
        m.put(Stream.ENGAGEMENTS.wireName(), Duration.ofMinutes(5));
        m.put(Stream.CLICKS.wireName(), Duration.ofHours(1));
        m.put(Stream.ORDERS.wireName(), Duration.ofHours(72));
        m.put(Stream.ORDER_UPDATES.wireName(), Duration.ofHours(72));
        m.put(Stream.SPEND.wireName(), Duration.ofHours(72));
        m.put(Stream.REVIEWS.wireName(), Duration.ofHours(72));
        return m;
    }
}
