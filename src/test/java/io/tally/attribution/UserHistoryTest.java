package io.tally.attribution;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.tally.attribution.AttributionFixtures.DAY;
import static io.tally.attribution.AttributionFixtures.HOUR;
import static io.tally.attribution.AttributionFixtures.T;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link UserHistory}: what a user's state must still answer for every order after t (CONTRACT section 3). */
class UserHistoryTest {
    private static final long CLICK_WINDOW = 7 * DAY;
    private static final long VIEW_WINDOW = DAY;
    private static final long HORIZON = 365 * DAY;

    private static TouchPoint click(String id, long ts, String product) {
        TouchPoint t = new TouchPoint(id, ts, "c1", "v1", "OTHER");
        t.productIds = new String[] {product};
        return t;
    }

    private static TouchPoint view(String id, long ts, String... products) {
        TouchPoint t = new TouchPoint(id, ts, "c1", "v1", "OTHER");
        t.productIds = products;
        return t;
    }

    private static String lastView(UserHistory h, String product, long orderTs) {
        TouchPoint v = h.lastView(product, orderTs - VIEW_WINDOW, orderTs);
        return v == null ? null : v.eventId;
    }

    private static final long NEVER = Long.MIN_VALUE / 2;

    /** Prunes at t with windows too long to drop anything: only shadowed views go. */
    private static void forgetShadowed(UserHistory h, long t) {
        h.prune(t, -NEVER, -NEVER, -NEVER);
    }

    @Test
    void aViewBehindTIsForgottenForTheProductsALaterViewBehindTAlsoShowed() {
        UserHistory h = new UserHistory(List.of(),
                List.of(view("w3", T - 1, "p2", "p3"), view("w1", T - 3, "p1", "p2"), view("w2", T - 2, "p1")), null);
        forgetShadowed(h, T);
        assertThat(h.viewsChanged()).isTrue();
        // w1 is shadowed for p1 by w2 and for p2 by w3: it goes; the last view of each product stays.
        assertThat(h.views).extracting(v -> v.eventId).containsExactly("w2", "w3");
        assertThat(lastView(h, "p1", T + 1)).isEqualTo("w2");
        assertThat(lastView(h, "p2", T + 1)).isEqualTo("w3");
        assertThat(lastView(h, "p3", T + 1)).isEqualTo("w3");
    }

    @Test
    void aViewKeepsTheProductsNoLaterViewShowed() {
        UserHistory h = new UserHistory(List.of(), List.of(view("w1", T - 2, "p1", "p2"), view("w2", T - 1, "p1")), null);
        forgetShadowed(h, T);
        assertThat(h.views).extracting(v -> v.eventId + List.of(v.productIds)).containsExactly("w1[p2]", "w2[p1]");
        assertThat(lastView(h, "p2", T + 1)).isEqualTo("w1");
    }

    @Test
    void viewsAfterTAreAllKeptBecauseAnOrderBetweenThemNeedsTheEarlierOne() {
        UserHistory h = new UserHistory(List.of(), List.of(view("w1", T + 1, "p1"), view("w2", T + 3, "p1")), null);
        forgetShadowed(h, T);
        assertThat(h.views).hasSize(2);
        assertThat(h.viewsChanged()).isFalse();
        assertThat(lastView(h, "p1", T + 2)).isEqualTo("w1");
        assertThat(lastView(h, "p1", T + 3)).isEqualTo("w2");
    }

    @Test
    void theLastViewIsTheGreatestByTsThenEventIdWithinTheWindowBounds() {
        UserHistory h = new UserHistory();
        h.addView(view("w2", T, "p1"));
        h.addView(view("w1", T, "p1"));
        h.addView(view("w0", T - VIEW_WINDOW - 2, "p1"));
        assertThat(lastView(h, "p1", T)).isEqualTo("w2");
        assertThat(lastView(h, "p1", T - 1)).isNull(); // w0 is one ms outside the window
        assertThat(lastView(h, "p1", T - 2)).isEqualTo("w0"); // on its bound
    }

    @Test
    void clicksOfAProductAreReturnedInTsThenEventIdOrderWithinBothBounds() {
        UserHistory h = new UserHistory();
        h.addClick(click("k3", T, "p1"));
        h.addClick(click("k1", T - CLICK_WINDOW, "p1"));
        h.addClick(click("k2", T - CLICK_WINDOW - 1, "p1"));
        h.addClick(click("k0", T - HOUR, "p2"));
        h.addClick(click("k4", T + 1, "p1"));
        assertThat(h.clicks("p1", T - CLICK_WINDOW, T)).extracting(c -> c.eventId).containsExactly("k1", "k3");
    }

    @Test
    void anOrderIsNewWhenTheMerchantsLastOrderIsOlderThanTheHorizon() {
        UserHistory h = new UserHistory();
        assertThat(h.recordOrder("m1", T, HORIZON)).isTrue();
        assertThat(h.recordOrder("m1", T + HORIZON, HORIZON)).isFalse();
        assertThat(h.recordOrder("m1", T + 2 * HORIZON + 1, HORIZON)).isTrue();
        assertThat(h.recordOrder("m2", T + 2 * HORIZON + 1, HORIZON)).isTrue();
    }

    @Test
    void pruningDropsWhatNoOrderAfterTCanUseAndNothingElse() {
        UserHistory h = new UserHistory();
        h.addClick(click("k1", T, "p1"));
        h.addView(view("w1", T, "p1"));
        h.recordOrder("m1", T, HORIZON);

        h.prune(T + VIEW_WINDOW - 1, CLICK_WINDOW, VIEW_WINDOW, HORIZON);
        assertThat(h.views).hasSize(1); // an order at T + VIEW_WINDOW still sees it
        h.prune(T + VIEW_WINDOW, CLICK_WINDOW, VIEW_WINDOW, HORIZON);
        assertThat(h.views).isEmpty();
        assertThat(h.clicks).hasSize(1);

        h.prune(T + CLICK_WINDOW, CLICK_WINDOW, VIEW_WINDOW, HORIZON);
        assertThat(h.clicks).isEmpty();
        assertThat(h.isEmpty()).isFalse();
        h.prune(T + HORIZON, CLICK_WINDOW, VIEW_WINDOW, HORIZON);
        assertThat(h.isEmpty()).isTrue();
    }
}
