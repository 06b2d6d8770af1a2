package io.tally.attribution;

import java.util.ArrayList;
import java.util.List;

/**
 * What a user's prune timer at one time has to look at: the products whose click or view lists, and the merchants
 * whose last-order time, may expire by then. Pruning reads these entries by key instead of iterating the user's
 * whole state (a RocksDB prefix scan, slow over the tombstones of earlier removals).
 */
public class Expiring {
    public List<String> clickProducts = new ArrayList<>();
    public List<String> viewProducts = new ArrayList<>();
    public List<String> merchants = new ArrayList<>();

    public Expiring() {}

    static void addOnce(List<String> ids, String id) {
        if (!ids.contains(id)) ids.add(id);
    }
}
