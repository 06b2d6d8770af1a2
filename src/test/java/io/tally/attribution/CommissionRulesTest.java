package io.tally.attribution;

import io.tally.event.CommissionRule;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CommissionRulesTest {
    private static CommissionRule rule(String id, long ts, String product, String creator, String rate) {
        return new CommissionRule(id, ts, "m1", product, creator, rate == null ? null : new BigDecimal(rate),
                BigDecimal.ZERO, null, rate == null);
    }

    private static List<List<CommissionRule>> book(CommissionRule... versions) {
        List<List<CommissionRule>> byRule = new ArrayList<>();
        for (CommissionRule v : versions) {
            List<CommissionRule> existing = byRule.stream().filter(l -> l.get(0).ruleId.equals(v.ruleId)).findFirst().orElse(null);
            if (existing == null) byRule.add(new ArrayList<>(List.of(v)));
            else existing.add(v);
        }
        return byRule;
    }

    private static String select(List<List<CommissionRule>> book, String product, String creator, long at) {
        CommissionRule r = CommissionRules.select(book, "m1", product, creator, at);
        return r == null ? null : r.ruleId;
    }

    @Test
    void theMostSpecificRuleWins() {
        List<List<CommissionRule>> book = book(rule("merchant", 0, null, null, "0.05"),
                rule("creator", 0, null, "c1", "0.06"), rule("product", 0, "p1", null, "0.07"),
                rule("both", 0, "p1", "c1", "0.08"));
        assertThat(select(book, "p1", "c1", 10)).isEqualTo("both");
        assertThat(select(book, "p1", "c2", 10)).isEqualTo("product");
        assertThat(select(book, "p2", "c1", 10)).isEqualTo("creator");
        assertThat(select(book, "p2", "c2", 10)).isEqualTo("merchant");
    }

    @Test
    void tiesGoToTheGreatestTsThenTheGreatestRuleId() {
        assertThat(select(book(rule("a", 5, null, null, "0.1"), rule("b", 3, null, null, "0.2")), "p", "c", 10))
                .isEqualTo("a");
        assertThat(select(book(rule("a", 5, null, null, "0.1"), rule("b", 5, null, null, "0.2")), "p", "c", 10))
                .isEqualTo("b");
    }

    @Test
    void aRuleAppliesFromItsTsAndADeletedVersionRemovesIt() {
        List<List<CommissionRule>> book = book(rule("r", 10, null, null, "0.1"), rule("r", 20, null, null, null));
        assertThat(select(book, "p", "c", 9)).isNull();
        assertThat(select(book, "p", "c", 10)).isEqualTo("r");
        assertThat(select(book, "p", "c", 19)).isEqualTo("r");
        assertThat(select(book, "p", "c", 20)).isNull();
    }

    @Test
    void validUntilIsExclusive() {
        CommissionRule bonus = new CommissionRule("bonus", 0, "m1", null, null, new BigDecimal("0.1"),
                new BigDecimal("0.05"), 100L, false);
        List<List<CommissionRule>> book = book(bonus, rule("base", 0, null, null, "0.1"));
        assertThat(select(book, "p", "c", 99)).isEqualTo("bonus");
        assertThat(select(book, "p", "c", 100)).isEqualTo("base");
        assertThat(bonus.effectiveRate()).isEqualByComparingTo("0.15");
    }

    @Test
    void otherMerchantsRulesNeverApply() {
        CommissionRule other = new CommissionRule("x", 0, "m2", null, null, new BigDecimal("0.3"), null, null, false);
        assertThat(CommissionRules.select(List.of(List.of(other)), "m1", "p", "c", 10)).isNull();
    }
}
