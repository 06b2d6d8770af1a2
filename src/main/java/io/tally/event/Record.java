package io.tally.event;

/** A record of the contract that stands at a point of event time (CONTRACT section 1). */
public interface Record {
    /** Event time in epoch milliseconds: what watermarks and windows follow. */
    long eventTime();

    /**
     * The key it is written to Kafka under, so that the records one operator needs in order stay in one partition:
     * the user for views, engagements, clicks and orders (attribution joins a user's touches and orders), the order
     * for updates and attributions, the creator for spend, the id of a product, creator or rule, the window of a KPI
     * record, the alert. Tally writes its outputs so; producers of the inputs should too.
     */
    String kafkaKey();
}
