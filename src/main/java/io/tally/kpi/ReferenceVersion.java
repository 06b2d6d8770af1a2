package io.tally.kpi;

import io.tally.event.Creator;
import io.tally.event.Product;

/** A version of reference data the KPI pre-aggregation reads: exactly one field is set. */
public class ReferenceVersion {
    public Creator creator;
    public Product product;

    public ReferenceVersion() {}

    public static ReferenceVersion of(Creator c) {
        ReferenceVersion v = new ReferenceVersion();
        v.creator = c;
        return v;
    }

    public static ReferenceVersion of(Product p) {
        ReferenceVersion v = new ReferenceVersion();
        v.product = p;
        return v;
    }
}
