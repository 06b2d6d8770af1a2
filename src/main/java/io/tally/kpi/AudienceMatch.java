package io.tally.kpi;

import io.tally.event.Dimension;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Which niche x category pairs (MATCH records, CONTRACT section 8) convert best: the lever brands pull when they pick
 * creators by the fit of their audience. A pair is ranked once it has {@link #MIN_CLICKS} clicks in its window, so
 * that one click and one order do not top the list; then by conversion rate, attributed GMV and key. The dashboard
 * and the terminal view both rank by this rule.
 */
public final class AudienceMatch {
    /** Clicks a pair needs in its window to be ranked. */
    public static final long MIN_CLICKS = 5;

    private static final Comparator<Kpi> BEST_FIRST = Comparator.comparingDouble((Kpi k) -> -k.conversionRate)
            .thenComparingLong(k -> -k.attributedGmvCents).thenComparing(k -> k.key);

    private AudienceMatch() {}

    /** The ranked MATCH records among {@code records} (of one window), best first, at most {@code limit}. */
    public static List<Kpi> best(Collection<Kpi> records, int limit) {
        List<Kpi> ranked = new ArrayList<>();
        for (Kpi k : records) {
            if (k.dimension() == Dimension.MATCH && k.clicks >= MIN_CLICKS && k.conversionRate != null) ranked.add(k);
        }
        ranked.sort(BEST_FIRST);
        return ranked.size() > limit ? new ArrayList<>(ranked.subList(0, limit)) : ranked;
    }
}
