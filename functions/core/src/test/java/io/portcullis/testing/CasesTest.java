package io.portcullis.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.Arguments;

/** A property's inputs are a function of the seed alone: a failure's seed and case number replay it exactly. */
class CasesTest {

    static final Function<SplittableRandom, Arguments> RANDOM = r -> Arguments.of(r.nextLong(),
            Cases.listOf(r, 0, 5, () -> Cases.between(r, -3, 300)));
    static final List<Arguments> EDGES = List.of(Arguments.of(0L, List.of()), Arguments.of(-1L, List.of(300)));

    static List<List<Object>> drawn(long seed, Integer only, String property) {
        return Cases.of(seed, only, property, 500, EDGES, RANDOM).map(a -> Arrays.asList(a.get())).toList();
    }

    @Test
    void theSameSeedDrawsTheSameCasesAndAnotherSeedOthers() {
        assertThat(drawn(123, null, "p")).hasSize(500).isEqualTo(drawn(123, null, "p"));
        assertThat(drawn(124, null, "p")).isNotEqualTo(drawn(123, null, "p"));
        assertThat(drawn(123, null, "q")).as("another property, other cases").isNotEqualTo(drawn(123, null, "p"));
    }

    @Test
    void theEdgeCasesComeFirstThenRandomOnes() {
        List<List<Object>> cases = drawn(7, null, "p");
        assertThat(cases.subList(0, 2)).containsExactly(List.of(0L, List.of()), List.of(-1L, List.of(300)));
        assertThat(cases.subList(2, 500).stream().distinct().count()).isGreaterThan(490);
    }

    @Test
    void oneCaseAloneIsTheSameAsInTheWholeRun() {
        List<List<Object>> all = drawn(-5, null, "p");
        for (int i : new int[] {0, 1, 2, 317, 499}) {
            assertThat(drawn(-5, i, "p")).containsExactly(all.get(i));
        }
        assertThat(drawn(-5, 500, "p")).isEmpty();
    }
}
