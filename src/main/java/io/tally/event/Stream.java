package io.tally.event;

/** Every stream of the contract, with its wire name (default topic {@code tally.<name>}, replay file {@code <name>.jsonl}). */
public enum Stream {
    VIEWS("views"),
    ENGAGEMENTS("engagements"),
    CLICKS("clicks"),
    ORDERS("orders"),
    ORDER_UPDATES("order-updates"),
    COMMISSION_RULES("commission-rules"),
    PRODUCTS("products"),
    CREATORS("creators"),
    SPEND("spend"),
    REVIEWS("reviews"),
    ALERT_RULES("alert-rules"),
    ATTRIBUTIONS("attributions"),
    ATTRIBUTIONS_SHADOW("attributions-shadow"),
    KPIS("kpis"),
    ALERTS("alerts"),
    DEAD_LETTERS("dead-letters");

    private final String wireName;

    Stream(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in topics, file names, schemas and the {@code stream} field of dead letters. */
    public String wireName() {
        return wireName;
    }

    public String defaultTopic() {
        return "tally." + wireName;
    }

    public boolean isInput() {
        return ordinal() <= ALERT_RULES.ordinal();
    }

    /** What shoppers and merchants do (as opposed to reference data and rules): views to orders, updates, spend, reviews. */
    public boolean isActivity() {
        return switch (this) {
            case VIEWS, ENGAGEMENTS, CLICKS, ORDERS, ORDER_UPDATES, SPEND, REVIEWS -> true;
            case COMMISSION_RULES, PRODUCTS, CREATORS, ALERT_RULES, ATTRIBUTIONS, ATTRIBUTIONS_SHADOW, KPIS, ALERTS,
                    DEAD_LETTERS -> false;
        };
    }
}
