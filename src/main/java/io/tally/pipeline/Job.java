package io.tally.pipeline;

import io.tally.event.Stream;

import java.util.EnumSet;
import java.util.Set;

/** The deployable jobs, and the whole pipeline in one graph (local, replay). */
public enum Job {
    ATTRIBUTION(EnumSet.of(Stream.CLICKS, Stream.VIEWS, Stream.ORDERS, Stream.ORDER_UPDATES,
            Stream.COMMISSION_RULES, Stream.PRODUCTS, Stream.CREATORS)),
    KPIS(EnumSet.of(Stream.VIEWS, Stream.ENGAGEMENTS, Stream.CLICKS, Stream.SPEND, Stream.REVIEWS, Stream.PRODUCTS,
            Stream.CREATORS, Stream.ATTRIBUTIONS)),
    ALERTS(EnumSet.of(Stream.ALERT_RULES, Stream.KPIS)),
    ALL(EnumSet.of(Stream.VIEWS, Stream.ENGAGEMENTS, Stream.CLICKS, Stream.ORDERS, Stream.ORDER_UPDATES,
            Stream.COMMISSION_RULES, Stream.PRODUCTS, Stream.CREATORS, Stream.SPEND, Stream.REVIEWS, Stream.ALERT_RULES));

    private final Set<Stream> inputs;

    Job(Set<Stream> inputs) {
        this.inputs = inputs;
    }

    /** The input streams the job reads. */
    public Set<Stream> inputs() {
        return inputs;
    }

    /**
     * The input streams whose dead letters the job reports. Deployed separately, the KPI job also reads views, clicks,
     * products and creators; the attribution job reports their bad records, so each is reported once.
     */
    public Set<Stream> reportedInputs() {
        if (this != KPIS) return inputs;
        Set<Stream> own = EnumSet.copyOf(inputs);
        own.removeAll(ATTRIBUTION.inputs);
        return own;
    }

    public static Job ofName(String name) {
        return valueOf(name.toUpperCase().replace('-', '_'));
    }
}
