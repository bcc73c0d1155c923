package io.portcullis.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Method;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.opentest4j.TestAbortedException;

/**
 * The inputs of a property test: a fixed number of cases, the edge cases first and then random ones, all drawn from
 * one seed so that any failure can be replayed exactly.
 *
 * <p>The seed is {@code -Dportcullis.seed=N}, or a fresh one each run. Case {@code i} of a property is drawn from its
 * own generator, made from the seed, the property's name and {@code i} alone, so it comes out the same whether the
 * whole run or only that case runs ({@code -Dportcullis.case=i}). A failing case's message starts with
 * {@code seed=N, case i}, the flags that replay it and the case's arguments: {@code ./mvnw -pl functions/core test -Dtest='Class#method'
 * -Dportcullis.seed=N -Dportcullis.case=i}.
 *
 * <p>Use: {@code @Cases.Property @MethodSource("inputs")} on the test method, and a factory
 * {@code static Stream<Arguments> inputs(TestInfo property)} returning {@link #of}.
 */
public final class Cases implements InvocationInterceptor {

    /** This run's seed. */
    public static final long SEED = Long.getLong("portcullis.seed", new SecureRandom().nextLong());

    /** Only this case of each property, to replay one failure; every case when unset. */
    static final Integer ONLY = Integer.getInteger("portcullis.case");

    static final Pattern CASE = Pattern.compile("^case (\\d+)$");

    /** A parameterized test whose failures name the seed and the case that replays them. */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @Documented
    @ParameterizedTest(name = "{argumentSetName}")
    @ExtendWith(Cases.class)
    public @interface Property {
    }

    /**
     * {@code count} cases for {@code property}: {@code edgeCases} first (as many as fit), then {@code random} draws,
     * each from a generator seeded by this run's seed, the property and the case number.
     */
    public static Stream<Arguments> of(TestInfo property, int count, List<Arguments> edgeCases,
            Function<SplittableRandom, Arguments> random) {
        return of(SEED, ONLY, property.getTestMethod().map(m -> m.getName()).orElse(property.getDisplayName()),
                count, edgeCases, random);
    }

    /** As {@link #of(TestInfo, int, List, Function)}, with the seed and the case filter given. */
    static Stream<Arguments> of(long seed, Integer only, String property, int count, List<Arguments> edgeCases,
            Function<SplittableRandom, Arguments> random) {
        IntStream numbers = only == null ? IntStream.range(0, count) : IntStream.of(only).filter(i -> i < count);
        return numbers.mapToObj(i -> Arguments.argumentSet("case " + i,
                (i < edgeCases.size() ? edgeCases.get(i) : random.apply(generator(seed, property, i))).get()));
    }

    /** Case {@code i}'s own generator: independent of every other case and property. */
    public static SplittableRandom generator(long seed, String property, int i) {
        long h = seed;
        for (char c : property.toCharArray()) {
            h = h * 0x100000001B3L ^ c;
        }
        return new SplittableRandom(new SplittableRandom(h).nextLong() ^ (0x9E3779B97F4A7C15L * (i + 1L)));
    }

    // --- drawing values ---

    /** An int in [min, max]: now and then one of the range's edges, otherwise uniform. */
    public static int between(SplittableRandom random, int min, int max) {
        if (random.nextInt(20) == 0) {
            List<Integer> edges = edges(min, max);
            return edges.get(random.nextInt(edges.size()));
        }
        return (int) random.nextLong(min, (long) max + 1);
    }

    /** The edges of [min, max] worth trying first: its ends, one inside each, and 0, 1 and 2 when inside. */
    public static List<Integer> edges(int min, int max) {
        List<Integer> out = new ArrayList<>();
        for (long v : new long[] {min, min + 1L, 0, 1, 2, max - 1L, max}) {
            if (v >= min && v <= max && !out.contains((int) v)) {
                out.add((int) v);
            }
        }
        return out;
    }

    /** A non-negative int, half the time a small one (under 1,000) as offsets and choices are. */
    public static int nonNegative(SplittableRandom random) {
        return random.nextBoolean() ? random.nextInt(1000) : random.nextInt(Integer.MAX_VALUE);
    }

    public static <T> T oneOf(SplittableRandom random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    /** Between {@code min} and {@code max} elements, each from {@code element}. */
    public static <T> List<T> listOf(SplittableRandom random, int min, int max, Supplier<T> element) {
        int size = random.nextInt(min, max + 1);
        List<T> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(element.get());
        }
        return out;
    }

    /** Every combination of the given values, one list per parameter: the edge cases of several parameters. */
    public static List<Arguments> combinations(List<?>... parameters) {
        List<List<Object>> rows = List.of(List.of());
        for (List<?> values : parameters) {
            List<List<Object>> next = new ArrayList<>();
            for (List<Object> row : rows) {
                for (Object v : values) {
                    List<Object> longer = new ArrayList<>(row);
                    longer.add(v);
                    next.add(longer);
                }
            }
            rows = next;
        }
        return rows.stream().map(r -> Arguments.of(r.toArray())).toList();
    }

    // --- failure report ---

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation,
            ReflectiveInvocationContext<Method> invocationContext, ExtensionContext context) throws Throwable {
        try {
            invocation.proceed();
        } catch (AssertionError | Exception failure) {
            Matcher m = CASE.matcher(context.getDisplayName());
            if (failure instanceof TestAbortedException || !m.matches()) {
                throw failure;
            }
            AssertionError named = new AssertionError("seed=" + SEED + ", case " + m.group(1)
                    + " (replay: -Dportcullis.seed=" + SEED + " -Dportcullis.case=" + m.group(1) + ") of "
                    + invocationContext.getArguments().stream().map(Cases::shown).toList() + ": "
                    + failure.getMessage(), failure);
            named.setStackTrace(failure.getStackTrace());
            throw named;
        }
    }

    /** An argument as a failure shows it: control and invisible characters escaped, long text cut. */
    static String shown(Object argument) {
        String text = String.valueOf(argument);
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(300).forEach(c -> {
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || Character.getType(c) == Character.FORMAT
                    || Character.getType(c) == Character.LINE_SEPARATOR
                    || Character.getType(c) == Character.PARAGRAPH_SEPARATOR || (c >= 0xd800 && c <= 0xdfff)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return text.codePointCount(0, text.length()) > 300 ? out + "…(" + text.length() + " chars)" : out.toString();
    }
}
