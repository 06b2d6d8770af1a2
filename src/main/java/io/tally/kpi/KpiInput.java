package io.tally.kpi;

import io.tally.attribution.Attribution;
import io.tally.event.Click;
import io.tally.event.Engagement;
import io.tally.event.Review;
import io.tally.event.Spend;
import io.tally.event.View;

/** One event the KPIs count, in one stream: exactly one field is set. */
public class KpiInput {
    public View view;
    public Engagement engagement;
    public Click click;
    public Spend spend;
    /** A primary-model attribution or reversal. */
    public Attribution attribution;
    public Review review;
    /** Where the review is credited; null for a review counted on ALL, MERCHANT and PRODUCT only. */
    public ReviewCredit credit;

    public KpiInput() {}

    public static KpiInput of(View v) {
        KpiInput i = new KpiInput();
        i.view = v;
        return i;
    }

    public static KpiInput of(Engagement e) {
        KpiInput i = new KpiInput();
        i.engagement = e;
        return i;
    }

    public static KpiInput of(Click c) {
        KpiInput i = new KpiInput();
        i.click = c;
        return i;
    }

    public static KpiInput of(Spend s) {
        KpiInput i = new KpiInput();
        i.spend = s;
        return i;
    }

    public static KpiInput of(Attribution a) {
        KpiInput i = new KpiInput();
        i.attribution = a;
        return i;
    }

    public static KpiInput of(Review r, ReviewCredit credit) {
        KpiInput i = new KpiInput();
        i.review = r;
        i.credit = credit;
        return i;
    }

    public long ts() {
        if (view != null) return view.ts;
        if (engagement != null) return engagement.ts;
        if (click != null) return click.ts;
        if (spend != null) return spend.ts;
        if (review != null) return review.ts;
        return attribution.ts;
    }

    /** The creator whose tier the event counts for; null for attributions and reviews (they carry their tier). */
    public String creatorId() {
        if (view != null) return view.creatorId;
        if (engagement != null) return engagement.creatorId;
        if (click != null) return click.creatorId;
        if (spend != null) return spend.creatorId;
        return null;
    }
}
