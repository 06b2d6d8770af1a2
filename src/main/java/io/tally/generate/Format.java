package io.tally.generate;

/**
 * Content formats with how often creators use them and how their audience reacts: per view, the chance of a like,
 * a comment, a share, and of a click on a featured product (CTR). Reviews and hauls sell, humor gets shared.
 */
enum Format {
    TUTORIAL(18, 0.05, 0.015, 0.010, 0.045, false),
    HUMOR(16, 0.12, 0.010, 0.030, 0.012, true),
    REVIEW(18, 0.05, 0.020, 0.008, 0.060, false),
    UNBOXING(12, 0.06, 0.012, 0.008, 0.050, false),
    HAUL(12, 0.07, 0.015, 0.010, 0.055, false),
    VLOG(10, 0.06, 0.010, 0.006, 0.020, true),
    CHALLENGE(8, 0.10, 0.010, 0.025, 0.015, true),
    /** The producer did not say: the record leaves contentFormat out and readers default it to OTHER. */
    OTHER(6, 0.05, 0.010, 0.008, 0.030, false);

    final double weight;
    final double like;
    final double comment;
    final double share;
    final double ctr;
    /** Formats that are often pure entertainment, without a featured product. */
    final boolean oftenWithoutProducts;

    Format(double weight, double like, double comment, double share, double ctr, boolean oftenWithoutProducts) {
        this.weight = weight;
        this.like = like;
        this.comment = comment;
        this.share = share;
        this.ctr = ctr;
        this.oftenWithoutProducts = oftenWithoutProducts;
    }

    /** The wire value: null for OTHER (field left out). */
    String wire() {
        return this == OTHER ? null : name();
    }

    static double[] weights() {
        Format[] all = values();
        double[] w = new double[all.length];
        for (int i = 0; i < all.length; i++) w[i] = all[i].weight;
        return w;
    }
}
