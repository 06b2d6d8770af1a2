package io.tally.reference;

import io.tally.attribution.Attribution;
import io.tally.attribution.AttributionSettings;
import io.tally.attribution.Model;
import io.tally.attribution.Touch;
import io.tally.config.TallyConfig;
import io.tally.event.Stream;
import io.tally.io.DeadLetterReason;
import io.tally.pipeline.Replay;
import io.tally.reference.ReferenceAttribution.Input;
import io.tally.reference.ReferenceAttribution.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replays random data sets ({@link RandomDataSet}) and holds every output attribution and dead letter to the
 * independent {@link ReferenceAttribution}; then checks that the output files do not depend on parallelism or on the
 * arrival order of the input lines (CONTRACT section 7).
 */
class ReferenceReplayTest {
    @TempDir
    Path dir;

    /**
     * The seeds to replay: a few by default (each replays three times, about 10 s); a soak run may name others with
     * {@code -Dtally.reference.seeds=1-200} or {@code =5,17,42}.
     */
    static LongStream seeds() {
        String spec = System.getProperty("tally.reference.seeds", "1,2,3");
        return Arrays.stream(spec.split(",")).map(String::trim).flatMapToLong(part -> {
            int dash = part.indexOf('-', 1);
            if (dash < 0) return LongStream.of(Long.parseLong(part));
            return LongStream.rangeClosed(Long.parseLong(part.substring(0, dash)), Long.parseLong(part.substring(dash + 1)));
        });
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void replayAgreesWithTheReferenceWhateverTheParallelismAndArrivalOrder(long seed) throws Exception {
        Input input = RandomDataSet.generate(seed);
        TallyConfig config = new TallyConfig();
        Result expected = new ReferenceAttribution(config.attribution).run(input);

        Path inA = dir.resolve("in-a");
        Path inB = dir.resolve("in-b");
        RandomDataSet.write(input, inA, seed * 31 + 1);
        RandomDataSet.write(input, inB, seed * 31 + 2);

        Replay.run(inA, dir.resolve("out-a1"), config, 1);
        ReferenceComparison.assertAgrees(expected, dir.resolve("out-a1"));

        Replay.run(inA, dir.resolve("out-a4"), config, 4);
        ReferenceComparison.assertSameFiles(dir.resolve("out-a1"), dir.resolve("out-a4"));
        Replay.run(inB, dir.resolve("out-b4"), config, 4);
        ReferenceComparison.assertSameFiles(dir.resolve("out-a1"), dir.resolve("out-b4"));
        assertExercisesTheRules(expected); // last, so that a soak run over many seeds still compares every one
    }

    /** Every attribution setting away from its default, so that the pipeline must read each one from the config. */
    @Test
    void replayAgreesWithTheReferenceUnderANonDefaultConfiguration() throws Exception {
        TallyConfig config = new TallyConfig();
        AttributionSettings a = config.attribution;
        a.primaryModel = Model.POSITION_BASED;
        a.shadowModels = new ArrayList<>(List.of(Model.LAST_CLICK, Model.TIME_DECAY, Model.POSITION_BASED));
        a.clickWindow = Duration.ofDays(2);
        a.viewWindow = Duration.ofHours(6);
        a.halfLife = Duration.ofHours(12);
        a.payViewThrough = true;
        a.customerHorizon = Duration.ofDays(30);
        a.settlementWindow = Duration.ofDays(7);
        a.orderMemory = Duration.ofDays(20);
        a.dedup.put(Stream.VIEWS.wireName(), Duration.ofMinutes(1));
        a.dedup.put(Stream.CLICKS.wireName(), Duration.ofMinutes(10));
        a.dedup.put(Stream.ORDERS.wireName(), Duration.ofHours(1));
        a.dedup.put(Stream.ORDER_UPDATES.wireName(), Duration.ofHours(12));
        Input input = RandomDataSet.generate(4242, a);
        Result expected = new ReferenceAttribution(a).run(input);

        RandomDataSet.write(input, dir.resolve("in"), 4242);
        Replay.run(dir.resolve("in"), dir.resolve("out"), config, 2);
        ReferenceComparison.assertAgrees(expected, dir.resolve("out"));
        assertExercisesTheRules(expected);
    }

    /** Guards the generator: a data set that misses a case would let the comparison pass vacuously. */
    static void assertExercisesTheRules(Result r) {
        List<Attribution> all = new ArrayList<>(r.primary);
        all.addAll(r.shadow);
        Map<String, Predicate<Attribution>> cases = new LinkedHashMap<>();
        cases.put("click lines", a -> a.touch == Touch.CLICK && !a.reversal);
        cases.put("view-through lines", a -> a.touch == Touch.VIEW && !a.reversal);
        cases.put("organic lines", a -> a.touch == Touch.NONE && !a.reversal);
        cases.put("shares of a multi-touch model", a -> a.model != Model.LAST_CLICK && a.weight < 1 && !a.reversal);
        cases.put("self-purchases", a -> a.selfPurchase);
        cases.put("commissions", a -> a.commissionCents > 0);
        cases.put("unknown margins", a -> a.marginCents == null);
        cases.put("returning customers", a -> !a.newCustomer);
        cases.put("reversals", a -> a.reversal);
        List<String> missing = new ArrayList<>();
        cases.forEach((what, p) -> {
            if (all.stream().noneMatch(p)) missing.add(what);
        });
        for (DeadLetterReason reason : ReferenceComparison.PREDICTED) {
            if (r.deadLetters.stream().noneMatch(l -> l.reason() == reason)) missing.add("dead letters " + reason);
        }
        assertThat(missing).as("cases the data set does not exercise").isEmpty();
    }
}
