package io.tally.generate;

/**
 * The last few thousand (user, merchant) purchases, so that returning customers can be drawn without remembering
 * every order: a fixed-size ring, the oldest purchase overwritten first.
 */
final class RecentBuyers {
    private final String[] users;
    private final int[] merchants;
    private int size;
    private int next;

    RecentBuyers(int capacity) {
        users = new String[capacity];
        merchants = new int[capacity];
    }

    void add(String user, int merchant) {
        users[next] = user;
        merchants[next] = merchant;
        next = (next + 1) % users.length;
        size = Math.min(size + 1, users.length);
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** A random remembered purchase, as an index for {@link #user} and {@link #merchant}. */
    int pick(Draw draw) {
        return draw.index(size);
    }

    String user(int index) {
        return users[index];
    }

    int merchant(int index) {
        return merchants[index];
    }
}
