package io.tally.kpi;

import io.tally.attribution.Attribution;

/**
 * The creator, content, tier and format a review is credited to (CONTRACT section 8): those of the primary
 * attribution of the reviewed order line, when its touch is CLICK or VIEW.
 */
public class ReviewCredit {
    public String creatorId;
    public String contentId;
    public String tier;
    public String contentFormat;

    public ReviewCredit() {}

    public static ReviewCredit of(Attribution line) {
        ReviewCredit c = new ReviewCredit();
        c.creatorId = line.creatorId;
        c.contentId = line.contentId;
        c.tier = line.tier;
        c.contentFormat = line.contentFormat;
        return c;
    }
}
