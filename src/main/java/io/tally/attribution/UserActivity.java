package io.tally.attribution;

import org.apache.flink.api.common.typeinfo.TypeInfo;

import io.tally.event.Click;
import io.tally.event.Order;
import io.tally.event.Stream;
import io.tally.event.View;

import java.util.Objects;

/** What attribution reads of one user, in one keyed stream: exactly one of click, view or order is set. */
@TypeInfo(UserActivitySerializer.Factory.class)
public class UserActivity {
    public Click click;
    public View view;
    public Order order;

    public UserActivity() {}

    public static UserActivity of(Click c) {
        UserActivity a = new UserActivity();
        a.click = c;
        return a;
    }

    public static UserActivity of(View v) {
        UserActivity a = new UserActivity();
        a.view = v;
        return a;
    }

    public static UserActivity of(Order o) {
        UserActivity a = new UserActivity();
        a.order = o;
        return a;
    }

    public String userId() {
        return click != null ? click.userId : view != null ? view.userId : order.userId;
    }

    public long ts() {
        return click != null ? click.ts : view != null ? view.ts : order.ts;
    }

    public Object record() {
        return click != null ? click : view != null ? view : order;
    }

    public Stream stream() {
        return click != null ? Stream.CLICKS : view != null ? Stream.VIEWS : Stream.ORDERS;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UserActivity a && Objects.equals(click, a.click) && Objects.equals(view, a.view)
                && Objects.equals(order, a.order);
    }

    @Override
    public int hashCode() {
        return Objects.hash(click, view, order);
    }
}
