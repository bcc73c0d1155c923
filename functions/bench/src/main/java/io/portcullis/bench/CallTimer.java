package io.portcullis.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/** Where the time goes: total time and count per AWS operation, measured on the SDK clients themselves. */
final class CallTimer implements ExecutionInterceptor {

    private static final ExecutionAttribute<Long> START = new ExecutionAttribute<>("portcullis.bench.start");
    final Map<String, LongAdder> nanos = new ConcurrentHashMap<>();
    final Map<String, LongAdder> calls = new ConcurrentHashMap<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        attributes.putAttribute(START, System.nanoTime());
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        String op = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + "."
                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        nanos.computeIfAbsent(op, k -> new LongAdder()).add(System.nanoTime() - attributes.getAttribute(START));
        calls.computeIfAbsent(op, k -> new LongAdder()).increment();
    }

    void reset() {
        nanos.clear();
        calls.clear();
    }

    /** operation → {calls, mean ms} */
    Map<String, double[]> summary() {
        Map<String, double[]> out = new TreeMap<>();
        nanos.forEach((op, n) -> out.put(op, new double[] {calls.get(op).sum(), n.sum() / 1e6 / calls.get(op).sum()}));
        return out;
    }
}
