package io.tally.attribution;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The weights of CONTRACT section 3.2: how a model splits an order line over its candidate clicks. Weights of a line
 * sum to 1; clicks of the same (creatorId, contentId) are merged into one credit whose touch is the group's latest
 * click. Pure functions, no Flink.
 */
public final class AttributionModels {

    private AttributionModels() {}

    /**
     * Credits of one line.
     *
     * @param candidates the candidate clicks, sorted by (ts, eventId), not empty
     * @param orderTs    T, the order's ts (for TIME_DECAY)
     * @param halfLifeMs TIME_DECAY half-life
     */
    public static List<Credit> credit(Model model, List<TouchPoint> candidates, long orderTs, long halfLifeMs) {
        int n = candidates.size();
        return switch (model) {
            case LAST_CLICK -> List.of(new Credit(candidates.get(n - 1), BigDecimal.ONE));
            case FIRST_CLICK -> List.of(new Credit(candidates.get(0), BigDecimal.ONE));
            case LINEAR -> {
                double[] share = new double[n];
                Arrays.fill(share, 1);
                yield merge(candidates, share);
            }
            case TIME_DECAY -> {
                double[] share = new double[n];
                for (int i = 0; i < n; i++) {
                    share[i] = Math.pow(2.0, -(double) (orderTs - candidates.get(i).ts) / halfLifeMs);
                }
                yield merge(candidates, share);
            }
            case POSITION_BASED -> {
                // In units of 1 / (5 (n - 2)) for n > 2: first and last 0.4 = 2 (n - 2) units, each middle click 1.
                double[] share = new double[n];
                if (n <= 2) {
                    Arrays.fill(share, 1);
                } else {
                    Arrays.fill(share, 1);
                    share[0] = 2.0 * (n - 2);
                    share[n - 1] = 2.0 * (n - 2);
                }
                yield merge(candidates, share);
            }
        };
    }

    /**
     * Sums the unnormalised shares of clicks on the same (creatorId, contentId), then divides each group's sum by the
     * total once, so that a single group weighs exactly 1 and LINEAR / POSITION_BASED weights are exact decimals
     * where they can be (0.5, 0.4, 0.2). A group's touch is its latest click.
     */
    private static List<Credit> merge(List<TouchPoint> candidates, double[] shares) {
        List<TouchPoint> groups = new ArrayList<>();
        List<Double> sums = new ArrayList<>();
        double total = 0;
        for (int i = 0; i < candidates.size(); i++) {
            TouchPoint t = candidates.get(i);
            total += shares[i];
            int g = 0;
            while (g < groups.size() && !groups.get(g).sameContent(t)) g++;
            if (g == groups.size()) {
                groups.add(t);
                sums.add(shares[i]);
            } else {
                groups.set(g, t); // candidates are sorted, so the later click stands for the group
                sums.set(g, sums.get(g) + shares[i]);
            }
        }
        List<Credit> credits = new ArrayList<>(groups.size());
        for (int g = 0; g < groups.size(); g++) {
            double sum = sums.get(g);
            // One division per group: a single group weighs exactly 1, and 0.5 / 0.4 / 0.2 stay exact decimals.
            credits.add(new Credit(groups.get(g), sum == total ? BigDecimal.ONE : BigDecimal.valueOf(sum / total)));
        }
        return credits;
    }
}
