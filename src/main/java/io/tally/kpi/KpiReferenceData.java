package io.tally.kpi;

import io.tally.event.Dimension;

/**
 * What the KPIs read of the reference data, as of an event's ts (CONTRACT sections 2 and 8): a creator's tier and
 * niche, a product's category.
 */
public interface KpiReferenceData {
    /** The creator's tier at ts (UNKNOWN without a version). */
    String tier(String creatorId, long ts);

    /** The creator's niche at ts ({@link Dimension#UNKNOWN} without one). */
    String niche(String creatorId, long ts);

    /** The product's category at ts ({@link Dimension#UNKNOWN} without one). */
    String category(String productId, long ts);

    /** Reference data that knows only one tier for every creator, and no niche or category. */
    static KpiReferenceData tierOnly(String tier) {
        return new KpiReferenceData() {
            @Override
            public String tier(String creatorId, long ts) {
                return tier;
            }

            @Override
            public String niche(String creatorId, long ts) {
                return Dimension.UNKNOWN;
            }

            @Override
            public String category(String productId, long ts) {
                return Dimension.UNKNOWN;
            }
        };
    }
}
