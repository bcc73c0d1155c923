package io.portcullis.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A fresh JVM doing what the Lambda Java runtime does for a {@code RequestStreamHandler}: load the handler class from
 * the deployment package, construct it (its composition root runs here), and hand it one event. Prints one line:
 * {@code init_ms=… handle_ms=… since_jvm_start_ms=… rss_kb=…}. Only JDK and aws-lambda-java-core classes are used,
 * so the classpath is the unzipped package plus this class.
 *
 * <p>Usage: {@code LambdaLikeLauncher <handler class> <event file>}; with handler {@code -}, only parse the event with
 * Jackson: the floor.
 */
public final class LambdaLikeLauncher {

    private LambdaLikeLauncher() {
    }

    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        byte[] event = Files.readAllBytes(Path.of(args[1]));
        long init;
        long handled;
        if (args[0].equals("-")) {
            Object mapper = Class.forName("com.fasterxml.jackson.databind.ObjectMapper").getConstructor().newInstance();
            init = System.nanoTime();
            mapper.getClass().getMethod("readTree", byte[].class).invoke(mapper, (Object) event);
            handled = System.nanoTime();
        } else {
            Class<?> type = Class.forName(args[0]);
            Object handler = type.getConstructor().newInstance();
            init = System.nanoTime();
            Class<?> contextType = Class.forName("com.amazonaws.services.lambda.runtime.Context");
            Object context = Proxy.newProxyInstance(LambdaLikeLauncher.class.getClassLoader(), new Class<?>[] {contextType},
                    (proxy, method, a) -> switch (method.getName()) {
                        case "getAwsRequestId" -> "cold-start-bench";
                        case "getFunctionName" -> "portcullis-detector";
                        case "getRemainingTimeInMillis", "getMemoryLimitInMB" -> 30_000;
                        case "getLogger" -> null;
                        default -> null;
                    });
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            type.getMethod("handleRequest", java.io.InputStream.class, java.io.OutputStream.class, contextType)
                    .invoke(handler, new ByteArrayInputStream(event), out, context);
            handled = System.nanoTime();
            System.err.println("answer " + out);
        }
        long sinceJvm = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        System.out.println("init_ms=" + (init - start) / 1_000_000.0 + " handle_ms=" + (handled - init) / 1_000_000.0
                + " since_jvm_start_ms=" + sinceJvm + " rss_kb=" + peakRssKb());
    }

    /** VmHWM from /proc: the process's peak resident set. */
    static long peakRssKb() throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
