package io.tally.generate;

import io.tally.event.ContentType;
import io.tally.event.Creator;
import io.tally.event.Product;
import io.tally.event.Tier;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The simulated world and its mutable state: merchants and their products (price, cost, stock), creators (audience,
 * own shopper account) and their contents with featured products. Built once from the settings, in a fixed order, so
 * the same seed builds the same world. Also picks the actors of the deliberate scenarios (see {@link Scenarios}).
 */
final class Catalog {
    static final String[] NICHES = {"beauty", "fashion", "tech", "home", "fitness", "food", "gaming", "pets"};

    /** Followers of the top creator; the last one has 1/1500 of it, on a Zipf-like curve (NANO to MEGA). */
    private static final double TOP_FOLLOWERS = 3_000_000;
    private static final double FOLLOWER_SPREAD = 1_500;
    /** Share of creators whose own shopper account is known (their orders are self-purchases). */
    private static final double CREATOR_SHOPPER_SHARE = 0.25;
    private static final double LIVE_SHARE = 0.15;
    /** Share of products buyers like less (lower ratings in their reviews). */
    private static final double POOR_SHARE = 0.15;

    static final class Merchant {
        final String id;
        final String category;
        /** Thin-margin merchant of the CPA scenario. */
        final boolean thinMargin;
        final int firstProduct;
        final int productCount;

        Merchant(String id, String category, boolean thinMargin, int firstProduct, int productCount) {
            this.id = id;
            this.category = category;
            this.thinMargin = thinMargin;
            this.firstProduct = firstProduct;
            this.productCount = productCount;
        }
    }

    static final class Item {
        final String id;
        final int merchant;
        final String merchantId;
        final String category;
        long priceCents;
        final long unitCostCents;
        long stock;
        /** When the pending restock happens (0: none); only the latest scheduled one counts. */
        long restockAt;
        /** Contents featuring the product, for a shopper who compares creators before buying. */
        int[] featuredIn = new int[0];
        /** A product buyers like less: its reviews are lower (see {@link Generator}'s ratings). */
        boolean poor;

        Item(String id, int merchant, String merchantId, String category, long priceCents, long unitCostCents,
             long stock) {
            this.id = id;
            this.merchant = merchant;
            this.merchantId = merchantId;
            this.category = category;
            this.priceCents = priceCents;
            this.unitCostCents = unitCostCents;
            this.stock = stock;
        }

        Product version(long ts) {
            return new Product(id, ts, merchantId, category, priceCents, unitCostCents, stock);
        }
    }

    static final class Influencer {
        final String id;
        long followers;
        /** The creator's own shopper account, or null. */
        final String userId;
        final String niche;
        int[] contents;

        Influencer(String id, long followers, String userId, String niche) {
            this.id = id;
            this.followers = followers;
            this.userId = userId;
            this.niche = niche;
        }

        Creator version(long ts) {
            return new Creator(id, ts, followers, userId, niche);
        }

        Tier tier() {
            return Tier.ofFollowers(followers);
        }
    }

    static final class Content {
        final String id;
        final int creator;
        final String creatorId;
        final ContentType type;
        final Format format;
        /** Merchant of the featured products; -1 when none is featured. */
        int merchant;
        int[] products;
        String[] productIds;

        Content(String id, int creator, String creatorId, ContentType type, Format format) {
            this.id = id;
            this.creator = creator;
            this.creatorId = creatorId;
            this.type = type;
            this.format = format;
        }

        boolean hasProducts() {
            return products.length > 0;
        }

        void feature(int merchant, int[] products, Item[] items) {
            this.merchant = products.length == 0 ? -1 : merchant;
            this.products = products;
            this.productIds = new String[products.length];
            for (int i = 0; i < products.length; i++) productIds[i] = items[products[i]].id;
        }
    }

    final Merchant[] merchants;
    final Item[] items;
    final Influencer[] creators;
    final Content[] contents;
    /** Cumulative view weights of the contents (the viral content has its own driver and weight 0 here). */
    final double[] contentWeights;
    /** Distinct (creator, merchant) pairs working together, as creator * merchants + merchant, first seen first. */
    final int[] partnerships;
    final Scenarios.Cast cast;

    Catalog(GeneratorSettings settings, Draw draw) {
        merchants = buildMerchants(settings);
        items = buildItems(settings, draw);
        creators = buildCreators(settings, draw);
        cast = settings.scenarios ? Scenarios.cast(this) : null;
        contents = buildContents(settings, draw);
        if (cast != null) Scenarios.stage(this, cast, draw);
        indexFeaturedProducts();
        contentWeights = buildContentWeights(draw);
        partnerships = buildPartnerships();
        assignQuality(draw);
    }

    /**
     * Drawn last, so that the rest of the world is built as before. The product of the bad-reviews story is a good
     * one: its bad reviews are the story's, and it recovers.
     */
    private void assignQuality(Draw draw) {
        for (Item item : items) item.poor = draw.chance(POOR_SHARE);
        if (cast != null) items[cast.reviewedProduct].poor = false;
    }

    private Merchant[] buildMerchants(GeneratorSettings s) {
        Merchant[] m = new Merchant[s.merchants];
        for (int i = 0; i < m.length; i++) {
            boolean thin = s.scenarios && i == m.length - 1;
            m[i] = new Merchant(Ids.merchant(i), NICHES[i % NICHES.length], thin, i * s.productsPerMerchant,
                    s.productsPerMerchant);
        }
        return m;
    }

    private Item[] buildItems(GeneratorSettings s, Draw draw) {
        Item[] result = new Item[merchants.length * s.productsPerMerchant];
        for (int m = 0; m < merchants.length; m++) {
            Merchant merchant = merchants[m];
            // Each merchant has a price level; its products scatter around it.
            double priceLevel = clamp(draw.logNormal(3_000, 0.7), 500, 40_000);
            for (int p = 0; p < s.productsPerMerchant; p++) {
                long price = clamp(Math.round(draw.logNormal(priceLevel, 0.5) / 100.0), 2, 1_500) * 100 - 1;
                double margin = merchant.thinMargin ? draw.uniform(0.06, 0.12) : draw.uniform(0.2, 0.6);
                long unitCost = Math.min(price - 1, Math.round(price * (1 - margin)));
                long stock = Math.round(clamp(draw.logNormal(400, 0.8), 20, 5_000));
                result[merchant.firstProduct + p] = new Item(Ids.product(m, p), m, merchant.id, merchant.category,
                        price, unitCost, stock);
            }
        }
        return result;
    }

    private Influencer[] buildCreators(GeneratorSettings s, Draw draw) {
        Influencer[] result = new Influencer[s.creators];
        double exponent = Math.log(FOLLOWER_SPREAD) / Math.log(s.creators);
        for (int i = 0; i < result.length; i++) {
            // c-0001 is the biggest: followers fall with rank as in a Zipf law.
            double followers = TOP_FOLLOWERS * Math.pow(i + 1, -exponent) * draw.logNormal(1, 0.12);
            String userId = draw.chance(CREATOR_SHOPPER_SHARE) ? Ids.user(draw.index(s.users)) : null;
            String niche = NICHES[draw.index(NICHES.length)];
            result[i] = new Influencer(Ids.creator(i), Math.max(200, Math.round(followers)), userId, niche);
        }
        return result;
    }

    private Content[] buildContents(GeneratorSettings s, Draw draw) {
        Content[] result = new Content[creators.length * s.contentsPerCreator];
        double[] formatWeights = Format.weights();
        Format[] formats = Format.values();
        for (int c = 0; c < creators.length; c++) {
            Influencer creator = creators[c];
            creator.contents = new int[s.contentsPerCreator];
            for (int k = 0; k < s.contentsPerCreator; k++) {
                int index = c * s.contentsPerCreator + k;
                ContentType type = draw.chance(LIVE_SHARE) ? ContentType.LIVE : ContentType.VIDEO;
                Format format = formats[draw.weighted(formatWeights)];
                Content content = new Content(Ids.content(c, k), c, creator.id, type, format);
                boolean noProducts = format.oftenWithoutProducts && draw.chance(0.35);
                if (noProducts) {
                    content.feature(-1, new int[0], items);
                } else {
                    int merchant = pickMerchantFor(creator, draw);
                    content.feature(merchant, pickProducts(merchant, 1 + draw.weighted(new double[] {55, 30, 15}),
                            draw), items);
                }
                result[index] = content;
                creator.contents[k] = index;
            }
        }
        return result;
    }

    /** Mostly a merchant of the creator's niche; sometimes any merchant. */
    private int pickMerchantFor(Influencer creator, Draw draw) {
        if (draw.chance(0.8)) {
            List<Integer> sameNiche = new ArrayList<>();
            for (int m = 0; m < merchants.length; m++) {
                if (merchants[m].category.equals(creator.niche) && !merchants[m].thinMargin) sameNiche.add(m);
            }
            if (!sameNiche.isEmpty()) return sameNiche.get(draw.index(sameNiche.size()));
        }
        return draw.index(merchants.length);
    }

    /** Distinct products of one merchant. */
    int[] pickProducts(int merchant, int count, Draw draw) {
        Merchant m = merchants[merchant];
        int n = Math.min(count, m.productCount);
        int[] picked = new int[n];
        for (int i = 0; i < n; i++) {
            int candidate;
            boolean seen;
            do {
                candidate = m.firstProduct + draw.index(m.productCount);
                seen = false;
                for (int j = 0; j < i; j++) seen |= picked[j] == candidate;
            } while (seen);
            picked[i] = candidate;
        }
        return picked;
    }

    private void indexFeaturedProducts() {
        List<List<Integer>> featured = new ArrayList<>(items.length);
        for (int i = 0; i < items.length; i++) featured.add(new ArrayList<>());
        for (int c = 0; c < contents.length; c++) {
            for (int p : contents[c].products) featured.get(p).add(c);
        }
        for (int i = 0; i < items.length; i++) {
            items[i].featuredIn = featured.get(i).stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /** Views of a content grow with its creator's audience; some contents simply do better than others. */
    private double[] buildContentWeights(Draw draw) {
        double[] cumulative = new double[contents.length];
        double total = 0;
        for (int c = 0; c < contents.length; c++) {
            Content content = contents[c];
            double weight = Math.pow(creators[content.creator].followers, 0.9) * draw.logNormal(1, 0.7)
                    * (content.type == ContentType.LIVE ? 1.5 : 1);
            if (cast != null && c == cast.viralContent) weight = 0;
            if (cast != null && content.creator == cast.cpaCreator) weight *= Scenarios.CPA_CREATOR_BOOST;
            total += weight;
            cumulative[c] = total;
        }
        return cumulative;
    }

    private int[] buildPartnerships() {
        Set<Integer> pairs = new LinkedHashSet<>();
        for (Content content : contents) {
            if (content.hasProducts()) pairs.add(content.creator * merchants.length + content.merchant);
        }
        return pairs.stream().mapToInt(Integer::intValue).toArray();
    }

    private static double clamp(double x, double min, double max) {
        return Math.max(min, Math.min(max, x));
    }

    private static long clamp(long x, long min, long max) {
        return Math.max(min, Math.min(max, x));
    }
}
