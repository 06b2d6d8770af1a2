package io.tally.attribution;

import io.tally.event.AsOf;
import io.tally.event.CommissionRule;

import java.util.List;

/**
 * Picks the commission rule for an attributed line (CONTRACT section 3.5): among the rule versions in force at T (not
 * deleted, validUntil absent or after T) of the merchant, for the product or all products, for the creator or all
 * creators, the most specific wins (product and creator, then product only, then creator only, then merchant only);
 * ties go to the greatest ts, then the greatest ruleId.
 */
public final class CommissionRules {
    private CommissionRules() {}

    /**
     * @param versionsOfEachRule the versions (sorted by ts) of every rule that ever named the merchant
     * @return the winning rule version, or null when none matches (the effective rate is then 0)
     */
    public static CommissionRule select(Iterable<List<CommissionRule>> versionsOfEachRule, String merchantId,
                                        String productId, String creatorId, long at) {
        CommissionRule best = null;
        int bestRank = -1;
        for (List<CommissionRule> versions : versionsOfEachRule) {
            CommissionRule r = AsOf.find(versions, v -> v.ts, at);
            if (r == null || r.deleted || r.rate == null || !merchantId.equals(r.merchantId)) continue;
            if (r.validUntil != null && r.validUntil <= at) continue;
            if (r.productId != null && !r.productId.equals(productId)) continue;
            if (r.creatorId != null && !r.creatorId.equals(creatorId)) continue;
            int rank = (r.productId != null ? 2 : 0) + (r.creatorId != null ? 1 : 0);
            if (best == null || rank > bestRank
                    || (rank == bestRank && (r.ts > best.ts || (r.ts == best.ts && r.ruleId.compareTo(best.ruleId) > 0)))) {
                best = r;
                bestRank = rank;
            }
        }
        return best;
    }
}
