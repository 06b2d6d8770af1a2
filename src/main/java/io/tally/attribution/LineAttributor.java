package io.tally.attribution;

import io.tally.event.CommissionRule;
import io.tally.event.Creator;
import io.tally.event.Money;
import io.tally.event.Order;
import io.tally.event.OrderLine;
import io.tally.event.Product;
import io.tally.event.Tier;

import java.math.BigDecimal;
import java.util.List;

/**
 * Attributes the lines of one order (CONTRACT section 3, rules 1 to 8) from what is known of its user and the
 * reference data in force at the order's ts: chooses the candidate clicks or the view, weighs them under the primary
 * and every shadow model, and writes one record per credit with its commission, margin and flags. No Flink: the
 * caller hands in the user's history, a view of the reference data and where the records go.
 */
public final class LineAttributor {

    /** The reference data attribution reads, as of event time. */
    public interface Reference {
        /** The versions (each list sorted by ts) of every commission rule that ever named the merchant. */
        Iterable<List<CommissionRule>> rulesOf(String merchantId);

        /** The product version in force at {@code ts}, or null. */
        Product productAsOf(String productId, long ts);

        /** The creator version in force at {@code ts}, or null. */
        Creator creatorAsOf(String creatorId, long ts);
    }

    /** Where the records of the primary model and those of the shadow models go. */
    public interface Output {
        void primary(Attribution a);

        void shadow(Attribution a);
    }

    private final Model primaryModel;
    private final List<Model> shadowModels;
    private final long clickWindowMs;
    private final long viewWindowMs;
    private final long halfLifeMs;
    private final long customerHorizonMs;
    private final boolean payViewThrough;
    private final Reference reference;

    /** @param reference read on every call; the caller points it at the current reference data beforehand */
    public LineAttributor(AttributionSettings settings, Reference reference) {
        this.primaryModel = settings.primaryModel;
        this.shadowModels = settings.effectiveShadowModels();
        this.clickWindowMs = settings.clickWindow.toMillis();
        this.viewWindowMs = settings.viewWindow.toMillis();
        this.halfLifeMs = settings.halfLife.toMillis();
        this.customerHorizonMs = settings.customerHorizon.toMillis();
        this.payViewThrough = settings.payViewThrough;
        this.reference = reference;
    }

    /**
     * Attributes every line of {@code order}, in line order, each under the primary model and then each shadow model,
     * and records the order in the user's history (rule 7: orders of a user come in (ts, orderId) order).
     */
    public void attribute(Order order, UserHistory history, Output out) {
        boolean newCustomer = history.recordOrder(order.merchantId, order.ts, customerHorizonMs);
        for (OrderLine line : order.lines) {
            Line l = new Line(order, line, newCustomer, reference.productAsOf(line.productId, order.ts));
            attribute(l, history, out);
        }
    }

    /** Rules 1 to 4: the candidate clicks, else the last view, else organic. */
    private void attribute(Line l, UserHistory history, Output out) {
        long t = l.order.ts;
        List<TouchPoint> candidates = history.clicks(l.line.productId, t - clickWindowMs, t);
        if (!candidates.isEmpty()) {
            emit(l, primaryModel, Touch.CLICK, AttributionModels.credit(primaryModel, candidates, t, halfLifeMs), out);
            for (Model shadow : shadowModels) {
                emit(l, shadow, Touch.CLICK, AttributionModels.credit(shadow, candidates, t, halfLifeMs), out);
            }
            return;
        }
        TouchPoint seen = history.lastView(l.line.productId, t - viewWindowMs, t);
        Touch touch = seen == null ? Touch.NONE : Touch.VIEW;
        List<Credit> credits = List.of(new Credit(seen, BigDecimal.ONE));
        emit(l, primaryModel, touch, credits, out);
        for (Model shadow : shadowModels) {
            emit(l, shadow, touch, credits, out);
        }
    }

    private void emit(Line l, Model model, Touch touch, List<Credit> credits, Output out) {
        boolean primary = model == primaryModel;
        for (Credit credit : credits) {
            Attribution a = record(l, model, touch, credit);
            if (primary) out.primary(a);
            else out.shadow(a);
        }
    }

    /** One credit of a line: amount and margin by its weight (rules 6, 8), then what its creator earns. */
    private Attribution record(Line l, Model model, Touch touch, Credit credit) {
        Attribution a = new Attribution();
        a.orderId = l.order.orderId;
        a.lineId = l.line.lineId;
        a.ts = l.order.ts;
        a.userId = l.order.userId;
        a.merchantId = l.order.merchantId;
        a.productId = l.line.productId;
        a.quantity = l.line.quantity;
        a.lineAmountCents = l.lineAmountCents;
        a.model = model;
        a.touch = touch;
        a.weight = credit.weight.doubleValue();
        a.amountCents = Money.times(l.lineAmountCents, credit.weight);
        a.newCustomer = l.newCustomer;
        if (l.product != null && l.product.unitCostCents != null) {
            long cost = Math.multiplyExact(l.line.quantity, l.product.unitCostCents);
            a.marginCents = Money.times(l.lineAmountCents - cost, credit.weight);
        }
        if (touch != Touch.NONE) creditCreator(a, l, credit); // organic: creator fields and rate null, commission 0
        return a;
    }

    /** The touch, tier, self-purchase flag and commission of a credited line (rules 5, 6). */
    private void creditCreator(Attribution a, Line l, Credit credit) {
        TouchPoint tp = credit.touch;
        a.touchEventId = tp.eventId;
        a.touchTs = tp.ts;
        a.creatorId = tp.creatorId;
        a.contentId = tp.contentId;
        a.contentFormat = tp.contentFormat;
        Creator creator = reference.creatorAsOf(tp.creatorId, a.ts);
        a.tier = Tier.of(creator).name();
        a.selfPurchase = creator != null && creator.userId != null && creator.userId.equals(a.userId);
        CommissionRule rule = CommissionRules.select(reference.rulesOf(a.merchantId), a.merchantId,
                a.productId, tp.creatorId, a.ts);
        a.commissionRate = rule == null ? BigDecimal.ZERO : rule.effectiveRate();
        boolean unpaid = a.selfPurchase || (a.touch == Touch.VIEW && !payViewThrough);
        a.commissionCents = unpaid ? 0 : Money.times(l.lineAmountCents, credit.weight, a.commissionRate);
    }

    /** What every record of one line shares. */
    private static final class Line {
        final Order order;
        final OrderLine line;
        final long lineAmountCents;
        final boolean newCustomer;
        /** The product version in force at the order's ts, or null. */
        final Product product;

        Line(Order order, OrderLine line, boolean newCustomer, Product product) {
            this.order = order;
            this.line = line;
            this.lineAmountCents = line.lineAmountCents();
            this.newCustomer = newCustomer;
            this.product = product;
        }
    }
}
