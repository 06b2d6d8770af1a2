package io.tally.generate;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.SplittableRandom;

/**
 * The simulation's only source of randomness: one seeded {@link SplittableRandom} consumed in a fixed order, with the
 * few distribution shapes the simulation needs.
 */
final class Draw {
    private final SplittableRandom random;

    Draw(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** Uniform in [0, 1). */
    double unit() {
        return random.nextDouble();
    }

    boolean chance(double p) {
        return random.nextDouble() < p;
    }

    /** Uniform integer in [0, bound). */
    int index(int bound) {
        return random.nextInt(bound);
    }

    /** Uniform integer in [min, max]. */
    long between(long min, long max) {
        return random.nextLong(min, max + 1);
    }

    double uniform(double min, double max) {
        return min + (max - min) * random.nextDouble();
    }

    /** Exponential with the given mean: gaps of a Poisson process. */
    double exponential(double mean) {
        return -mean * Math.log(1 - random.nextDouble());
    }

    /** Log-uniform in [min, max]: as many values in minutes-to-hours as in hours-to-days. */
    long logUniform(long min, long max) {
        return Math.round(Math.exp(uniform(Math.log(min), Math.log(max))));
    }

    /** exp(N(ln median, sigma)): a right-skewed positive quantity such as a price or an audience. */
    double logNormal(double median, double sigma) {
        return median * Math.exp(sigma * gaussian());
    }

    private double gaussian() {
        // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
        double u1 = 1 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** An index drawn with the given weights (not necessarily normalised). */
    int weighted(double[] weights) {
        double total = 0;
        for (double w : weights) total += w;
        double x = random.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            x -= weights[i];
            if (x < 0) return i;
        }
        return weights.length - 1;
    }

    /** An index drawn from cumulative weights (ascending, last = total), in O(log n). */
    int cumulative(double[] cumulativeWeights) {
        double x = random.nextDouble() * cumulativeWeights[cumulativeWeights.length - 1];
        int lo = 0;
        int hi = cumulativeWeights.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulativeWeights[mid] > x) hi = mid;
            else lo = mid + 1;
        }
        return lo;
    }

    /** A rate in [min, max] as an exact decimal with 3 places, e.g. 0.085. */
    BigDecimal rate(double min, double max) {
        return BigDecimal.valueOf(uniform(min, max)).setScale(3, RoundingMode.HALF_EVEN).stripTrailingZeros();
    }
}
