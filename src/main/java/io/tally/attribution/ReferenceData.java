package io.tally.attribution;

import io.tally.event.CommissionRule;
import io.tally.event.Creator;
import io.tally.event.Product;

/** A new version of a rule, product or creator, broadcast to every attribution task: exactly one field is set. */
public class ReferenceData {
    public CommissionRule rule;
    public Product product;
    public Creator creator;

    public ReferenceData() {}

    public static ReferenceData of(CommissionRule r) {
        ReferenceData d = new ReferenceData();
        d.rule = r;
        return d;
    }

    public static ReferenceData of(Product p) {
        ReferenceData d = new ReferenceData();
        d.product = p;
        return d;
    }

    public static ReferenceData of(Creator c) {
        ReferenceData d = new ReferenceData();
        d.creator = c;
        return d;
    }
}
