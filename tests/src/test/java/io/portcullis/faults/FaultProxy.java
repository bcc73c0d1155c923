package io.portcullis.faults;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP proxy on 127.0.0.1 that sits between the AWS SDK clients and the emulator and injects the faults AWS and
 * the network produce: throttling and server errors in the exact shapes each AWS protocol answers with, connections
 * reset before the request reached the service, answers lost after the service acted, and slow answers.
 *
 * <p>Rules pick requests by AWS service (the signing name in the request's SigV4 credential scope: {@code ec2},
 * {@code dynamodb}, {@code states}, …) and operation ({@code X-Amz-Target} for the JSON protocols, the form's
 * {@code Action} for the query protocols), and say which of the matching requests get the fault: the first n, every
 * other one, or all. Everything else is forwarded untouched. The proxy counts the faults it injected, by class, and
 * the requests that reached the emulator and what it answered, by operation: a test can tell "the revoke was called
 * five times" from "the revoke changed the group once".
 *
 * <p>Written on plain sockets rather than with an HTTP mocking library: a reset needs the socket itself (closed
 * with SO_LINGER 0, so the client sees an RST), and "the service acted but its answer was lost" needs the request
 * forwarded and the response dropped, which a stub server cannot express. Each connection carries one exchange and
 * is closed after it, as the emulator's own server does.
 */
public final class FaultProxy implements AutoCloseable {

    /** The faults the proxy injects. */
    public enum Fault {
        /**
         * AWS's throttling answer for the service: DynamoDB {@code ThrottlingException} (400), EC2
         * {@code RequestLimitExceeded} (503), IAM {@code Throttling} (400), S3 {@code SlowDown} (503).
         */
        THROTTLING,
        /** DynamoDB's {@code ProvisionedThroughputExceededException} (400). */
        PROVISIONED_THROUGHPUT_EXCEEDED,
        /** HTTP 500 in the service's shape: {@code InternalError}, {@code InternalServerError}, … */
        INTERNAL_ERROR,
        /** HTTP 503 {@code ServiceUnavailable} in the service's shape. */
        SERVICE_UNAVAILABLE,
        /** The connection reset (RST) before the request reached the service: nothing was done. */
        RESET,
        /** The request reached the service, which acted; the connection was then reset: the answer was lost. */
        RESPONSE_LOST,
        /** The service's answer held back for the rule's delay, then delivered (within the SDK's attempt timeout). */
        SLOW,
        /** The service acted; its answer held back past the SDK's attempt timeout (the client gives up and retries). */
        STALLED
    }

    /** What the proxy knows of a request, for the rules to match on. */
    public record Call(String service, String operation, String method, String path, String body) {
        @Override
        public String toString() {
            return service + "." + operation;
        }
    }

    /**
     * Which faults to inject into which requests.
     *
     * @param which given the 0-based index of a request among those {@code when} matched, whether it gets the fault
     */
    public record Rule(Fault fault, Duration delay, Predicate<Call> when, IntPredicate which, AtomicInteger matched,
                       AtomicInteger injected) {

        /** How many requests this rule injected its fault into. */
        public int count() {
            return injected.get();
        }
    }

    /** One request the proxy saw, and what happened to it. */
    public record Exchange(Call call, Fault fault, int upstreamStatus) {
    }

    private static final Pattern SCOPE = Pattern.compile("Credential=[^/]+/[^/]+/[^/]+/([^/]+)/aws4_request");

    private final URI upstream;
    /** Services the emulator set-up serves elsewhere, by SigV4 signing name (LocalStack keeps DynamoDB on moto). */
    private final Map<String, URI> upstreamByService;
    private final ServerSocket server;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<Exchange> journal = new CopyOnWriteArrayList<>();
    private final Map<Fault, AtomicInteger> injected = new ConcurrentHashMap<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private FaultProxy(URI upstream, Map<String, URI> upstreamByService, ServerSocket server) {
        this.upstream = upstream;
        this.upstreamByService = Map.copyOf(upstreamByService);
        this.server = server;
    }

    /** Starts a proxy to {@code upstream} (the emulator) on a free port of 127.0.0.1. */
    public static FaultProxy start(URI upstream) {
        return start(upstream, Map.of());
    }

    /**
     * As {@link #start(URI)}, with some services sent to their own emulator: keys are the SDK's per-service endpoint
     * suffixes ({@code DYNAMODB}, as in {@code AWS_ENDPOINT_URL_DYNAMODB}), matched to a request's signing name.
     */
    public static FaultProxy start(URI upstream, Map<String, URI> serviceEndpoints) {
        Map<String, URI> bySigningName = new java.util.HashMap<>();
        serviceEndpoints.forEach((service, uri) -> bySigningName.put(
                service.toLowerCase(Locale.ROOT).replace("_", ""), uri));
        try {
            ServerSocket server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            FaultProxy proxy = new FaultProxy(upstream, bySigningName, server);
            Thread.ofPlatform().daemon().name("fault-proxy-accept").start(proxy::accept);
            return proxy;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fault proxy: " + e.getMessage(), e);
        }
    }

    /** Where to point the SDK clients. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Rules

    /** Injects {@code fault} into the requests {@code when} matches that {@code which} selects. */
    public Rule inject(Fault fault, Predicate<Call> when, IntPredicate which) {
        if (fault == Fault.SLOW || fault == Fault.STALLED) {
            throw new IllegalArgumentException(fault + " needs a delay: use delay(…)");
        }
        return add(new Rule(fault, Duration.ZERO, when, which, new AtomicInteger(), new AtomicInteger()));
    }

    /** Holds the emulator's answer back for {@code delay} ({@link Fault#SLOW} or {@link Fault#STALLED}). */
    public Rule delay(Fault fault, Duration delay, Predicate<Call> when, IntPredicate which) {
        if (fault != Fault.SLOW && fault != Fault.STALLED) {
            throw new IllegalArgumentException(fault + " is not a delay");
        }
        return add(new Rule(fault, delay, when, which, new AtomicInteger(), new AtomicInteger()));
    }

    private Rule add(Rule rule) {
        rules.add(rule);
        return rule;
    }

    /** Removes every rule: from now on every request is forwarded untouched. */
    public void heal() {
        rules.clear();
    }

    /** Removes every rule and forgets what happened so far (the next test case starts counting afresh). */
    public void reset() {
        rules.clear();
        journal.clear();
        injected.clear();
    }

    /** The first {@code n} matching requests. */
    public static IntPredicate first(int n) {
        return i -> i < n;
    }

    /** The first, third, fifth… matching request: with retries, every call meets the fault once and then passes. */
    public static IntPredicate everyOther() {
        return i -> i % 2 == 0;
    }

    /** Every matching request. */
    public static IntPredicate always() {
        return i -> true;
    }

    /** Requests for this AWS operation, e.g. {@code operation("ec2", "RevokeSecurityGroupIngress")}. */
    public static Predicate<Call> operation(String service, String operation) {
        return c -> service.equals(c.service()) && operation.equals(c.operation());
    }

    /** DynamoDB writes (PutItem, UpdateItem, DeleteItem, TransactWriteItems, BatchWriteItem) naming this table. */
    public static Predicate<Call> dynamoDbWritesTo(String table) {
        Set<String> writes = Set.of("PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem");
        return c -> "dynamodb".equals(c.service()) && writes.contains(c.operation())
                && c.body().contains("\"" + table + "\"");
    }

    // ----------------------------------------------------------------------------------------------------------------
    // What happened

    /** How many faults of this class were injected. */
    public int injected(Fault fault) {
        AtomicInteger n = injected.get(fault);
        return n == null ? 0 : n.get();
    }

    /** Faults injected, by class (only the classes injected at least once). */
    public Map<Fault, Integer> injected() {
        Map<Fault, Integer> out = new EnumMap<>(Fault.class);
        injected.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** How many requests for {@code operation} reached the emulator and were answered with a 2xx (it acted). */
    public int succeeded(String operation) {
        return (int) journal.stream()
                .filter(e -> operation.equals(e.call().operation()) && e.upstreamStatus() / 100 == 2).count();
    }

    /** How many requests for {@code operation} the SDK clients sent (faulted or not). */
    public int sent(String operation) {
        return (int) journal.stream().filter(e -> operation.equals(e.call().operation())).count();
    }

    /** Every exchange so far, in order. */
    public List<Exchange> journal() {
        return List.copyOf(journal);
    }

    // ----------------------------------------------------------------------------------------------------------------
    // The proxy

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                open.add(client);
                Thread.ofVirtual().name("fault-proxy-exchange").start(() -> {
                    try {
                        exchange(client);
                    } catch (IOException | RuntimeException e) {
                        // The client went away (it timed out and gave up, or the test ended): nothing to answer.
                    } finally {
                        open.remove(client);
                        closeQuietly(client);
                    }
                });
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("fault proxy: accept failed: " + e);
                }
            }
        }
    }

    private void exchange(Socket client) throws IOException {
        InputStream in = client.getInputStream();
        OutputStream out = client.getOutputStream();
        Request request = Request.read(in, out);
        if (request == null) {
            return;
        }
        Call call = request.call();
        Optional<Rule> rule = choose(call);
        Fault fault = rule.map(Rule::fault).orElse(null);
        if (fault != null) {
            injected.computeIfAbsent(fault, k -> new AtomicInteger()).incrementAndGet();
            rule.get().injected().incrementAndGet();
        }
        switch (fault == null ? Kind.FORWARD : kindOf(fault)) {
            case ANSWER -> {
                journal.add(new Exchange(call, fault, 0));
                out.write(ErrorShapes.response(fault, call));
                out.flush();
            }
            case RESET_BEFORE -> {
                journal.add(new Exchange(call, fault, 0));
                reset(client);
            }
            case FORWARD, RESET_AFTER, DELAY -> {
                byte[] answer = forward(request);
                journal.add(new Exchange(call, fault, statusOf(answer)));
                if (fault == Fault.RESPONSE_LOST) {
                    reset(client);
                    return;
                }
                if (fault != null) {
                    sleep(rule.get().delay());
                }
                out.write(answer);
                out.flush();
            }
        }
    }

    private enum Kind { FORWARD, ANSWER, RESET_BEFORE, RESET_AFTER, DELAY }

    private static Kind kindOf(Fault fault) {
        return switch (fault) {
            case THROTTLING, PROVISIONED_THROUGHPUT_EXCEEDED, INTERNAL_ERROR, SERVICE_UNAVAILABLE -> Kind.ANSWER;
            case RESET -> Kind.RESET_BEFORE;
            case RESPONSE_LOST -> Kind.RESET_AFTER;
            case SLOW, STALLED -> Kind.DELAY;
        };
    }

    /** The first rule that matches and selects this request (every matching rule counts the request). */
    private Optional<Rule> choose(Call call) {
        Rule chosen = null;
        for (Rule rule : rules) {
            if (rule.when().test(call)) {
                int index = rule.matched().getAndIncrement();
                if (chosen == null && rule.which().test(index)) {
                    chosen = rule;
                }
            }
        }
        return Optional.ofNullable(chosen);
    }

    /** Sends the request to the emulator on a fresh connection and reads its whole answer (it closes after one). */
    private byte[] forward(Request request) throws IOException {
        URI to = upstreamByService.getOrDefault(request.call().service(), upstream);
        try (Socket socket = new Socket(to.getHost(), to.getPort())) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.forwardedHead());
            out.write(request.rawBody());
            out.flush();
            return socket.getInputStream().readAllBytes();
        }
    }

    private static int statusOf(byte[] response) {
        String head = new String(response, 0, Math.min(response.length, 64), StandardCharsets.ISO_8859_1);
        Matcher m = Pattern.compile("^HTTP/\\d\\.\\d (\\d{3})").matcher(head);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** Closes with SO_LINGER 0: the client sees an RST ("Connection reset"), not an orderly end. */
    private static void reset(Socket client) throws IOException {
        client.setSoLinger(true, 0);
        client.close();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        open.forEach(FaultProxy::closeQuietly);
    }

    // ----------------------------------------------------------------------------------------------------------------
    // HTTP/1.1 requests, as far as the SDK's clients send them

    private record Request(String method, String target, Map<String, String> headers, String headText, byte[] rawBody,
                           byte[] body) {

        /** Reads one request; answers {@code Expect: 100-continue} first. Null when the client sent nothing. */
        static Request read(InputStream in, OutputStream out) throws IOException {
            String head = readHead(in);
            if (head == null || head.isBlank()) {
                return null;
            }
            String[] lines = head.split("\r\n");
            String[] requestLine = lines[0].split(" ");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            lines[i].substring(colon + 1).trim());
                }
            }
            if ("100-continue".equalsIgnoreCase(headers.getOrDefault("expect", ""))) {
                out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
            byte[] raw;
            byte[] body;
            if ("chunked".equalsIgnoreCase(headers.getOrDefault("transfer-encoding", ""))) {
                ByteArrayOutputStream rawOut = new ByteArrayOutputStream();
                ByteArrayOutputStream decoded = new ByteArrayOutputStream();
                readChunked(in, rawOut, decoded);
                raw = rawOut.toByteArray();
                body = decoded.toByteArray();
            } else {
                int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
                raw = in.readNBytes(length);
                body = raw;
            }
            return new Request(requestLine[0], requestLine.length > 1 ? requestLine[1] : "/", headers, head, raw, body);
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            int b;
            byte[] end = {'\r', '\n', '\r', '\n'};
            while ((b = in.read()) != -1) {
                head.write(b);
                matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
                if (matched == 4) {
                    String text = head.toString(StandardCharsets.ISO_8859_1);
                    return text.substring(0, text.length() - 4);
                }
            }
            return head.size() == 0 ? null : head.toString(StandardCharsets.ISO_8859_1);
        }

        private static void readChunked(InputStream in, ByteArrayOutputStream raw, ByteArrayOutputStream decoded)
                throws IOException {
            while (true) {
                String sizeLine = readLine(in);
                raw.write((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
                if (size == 0) {
                    String trailer;
                    do {
                        trailer = readLine(in);
                        raw.write((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    } while (!trailer.isEmpty());
                    return;
                }
                byte[] chunk = in.readNBytes(size);
                raw.write(chunk);
                decoded.write(chunk);
                String crlf = readLine(in);
                raw.write((crlf + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
        }

        private static String readLine(InputStream in) throws IOException {
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) != -1) {
                if (b == '\n') {
                    break;
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        /** The head sent on to the emulator: unchanged but for one exchange per connection and no Expect. */
        byte[] forwardedHead() {
            StringBuilder out = new StringBuilder();
            String[] lines = headText.split("\r\n");
            out.append(lines[0]).append("\r\n");
            for (int i = 1; i < lines.length; i++) {
                String name = lines[i].contains(":") ? lines[i].substring(0, lines[i].indexOf(':')).trim()
                        .toLowerCase(Locale.ROOT) : "";
                if (!name.equals("connection") && !name.equals("expect") && !name.equals("keep-alive")) {
                    out.append(lines[i]).append("\r\n");
                }
            }
            out.append("Connection: close\r\n\r\n");
            return out.toString().getBytes(StandardCharsets.ISO_8859_1);
        }

        Call call() {
            String text = new String(body, StandardCharsets.UTF_8);
            Matcher scope = SCOPE.matcher(headers.getOrDefault("authorization", ""));
            String service = scope.find() ? scope.group(1) : "unknown";
            String amzTarget = headers.get("x-amz-target");
            String operation;
            if (amzTarget != null && amzTarget.contains(".")) {
                operation = amzTarget.substring(amzTarget.lastIndexOf('.') + 1);
            } else if (headers.getOrDefault("content-type", "").startsWith("application/x-www-form-urlencoded")) {
                operation = formValue(text, "Action").orElse(method + " " + target);
            } else {
                operation = method + " " + target; // REST protocols (S3): the method and path name the operation
            }
            return new Call(service, operation, method, target, text);
        }

        private static Optional<String> formValue(String form, String name) {
            for (String pair : form.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).equals(name)) {
                    return Optional.of(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            return Optional.empty();
        }
    }

    // ----------------------------------------------------------------------------------------------------------------
    // Error answers, as each AWS protocol sends them

    /** The error bodies AWS services answer with, per protocol. */
    static final class ErrorShapes {

        private ErrorShapes() {
        }

        /** The error's HTTP status, AWS error code and message for this service. */
        record Error(int status, String code, String message) {
        }

        static Error of(Fault fault, String service) {
            return switch (service) {
                case "dynamodb" -> switch (fault) {
                    case THROTTLING -> new Error(400, "com.amazonaws.dynamodb.v20120810#ThrottlingException",
                            "Rate of requests exceeds the allowed throughput.");
                    case PROVISIONED_THROUGHPUT_EXCEEDED -> new Error(400,
                            "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                            "The level of configured provisioned throughput for the table was exceeded. Consider"
                                    + " increasing your provisioning level with the UpdateTable API.");
                    case INTERNAL_ERROR -> new Error(500, "com.amazonaws.dynamodb.v20120810#InternalServerError",
                            "Internal server error");
                    case SERVICE_UNAVAILABLE -> new Error(503, "com.amazonaws.dynamodb.v20120810#ServiceUnavailable",
                            "The service is unavailable. Please try again later.");
                    default -> throw new IllegalArgumentException(fault + " is not an answer");
                };
                case "ec2" -> switch (fault) {
                    case THROTTLING -> new Error(503, "RequestLimitExceeded", "Request limit exceeded.");
                    case INTERNAL_ERROR -> new Error(500, "InternalError", "An internal error has occurred.");
                    case SERVICE_UNAVAILABLE -> new Error(503, "ServiceUnavailable",
                            "The request has failed due to a temporary failure of the server.");
                    default -> throw new IllegalArgumentException(fault + " does not apply to EC2");
                };
                case "s3" -> switch (fault) {
                    case THROTTLING -> new Error(503, "SlowDown", "Please reduce your request rate.");
                    case INTERNAL_ERROR -> new Error(500, "InternalError",
                            "We encountered an internal error. Please try again.");
                    case SERVICE_UNAVAILABLE -> new Error(503, "ServiceUnavailable",
                            "Service is unable to handle request.");
                    default -> throw new IllegalArgumentException(fault + " does not apply to S3");
                };
                default -> switch (fault) {
                    case THROTTLING -> new Error(400, isQuery(service) ? "Throttling" : "ThrottlingException",
                            "Rate exceeded");
                    case INTERNAL_ERROR -> new Error(500, isQuery(service) ? "ServiceFailure" : "InternalFailure",
                            "The request processing has failed because of an unknown error, exception or failure.");
                    case SERVICE_UNAVAILABLE -> new Error(503, "ServiceUnavailable",
                            "The request has failed due to a temporary failure of the server.");
                    default -> throw new IllegalArgumentException(fault + " does not apply to " + service);
                };
            };
        }

        /** Services on the AWS query protocol with the common XML error envelope. */
        private static boolean isQuery(String service) {
            return Set.of("iam", "sts", "sns", "cloudformation").contains(service);
        }

        static byte[] response(Fault fault, Call call) {
            Error e = of(fault, call.service());
            String requestId = UUID.randomUUID().toString();
            String contentType;
            String body;
            switch (call.service()) {
                case "ec2" -> {
                    contentType = "text/xml;charset=UTF-8";
                    body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>" + e.code()
                            + "</Code><Message>" + e.message() + "</Message></Error></Errors><RequestID>" + requestId
                            + "</RequestID></Response>";
                }
                case "s3" -> {
                    contentType = "application/xml";
                    body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + e.code() + "</Code><Message>"
                            + e.message() + "</Message><RequestId>" + requestId + "</RequestId></Error>";
                }
                default -> {
                    if (isQuery(call.service())) {
                        contentType = "text/xml";
                        body = "<ErrorResponse xmlns=\"https://" + call.service() + ".amazonaws.com/doc/2010-05-08/\">"
                                + "<Error><Type>" + (e.status() < 500 ? "Sender" : "Receiver") + "</Type><Code>"
                                + e.code() + "</Code><Message>" + e.message() + "</Message></Error><RequestId>"
                                + requestId + "</RequestId></ErrorResponse>";
                    } else {
                        contentType = "application/x-amz-json-1.0";
                        body = "{\"__type\":\"" + e.code() + "\",\"message\":\"" + e.message() + "\"}";
                    }
                }
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            String head = "HTTP/1.1 " + e.status() + " " + reason(e.status()) + "\r\n"
                    + "Content-Type: " + contentType + "\r\n"
                    + "Content-Length: " + bytes.length + "\r\n"
                    + "x-amzn-RequestId: " + requestId + "\r\n"
                    + "Connection: close\r\n\r\n";
            byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
            byte[] out = new byte[h.length + bytes.length];
            System.arraycopy(h, 0, out, 0, h.length);
            System.arraycopy(bytes, 0, out, h.length, bytes.length);
            return out;
        }

        private static String reason(int status) {
            return switch (status) {
                case 400 -> "Bad Request";
                case 500 -> "Internal Server Error";
                case 503 -> "Service Unavailable";
                default -> "Error";
            };
        }
    }

    /** For a test's messages: the faults injected, e.g. {@code {THROTTLING=3, RESET=1}}. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        injected().forEach((k, v) -> parts.add(k + "=" + v));
        return "FaultProxy" + parts + " at " + endpoint();
    }
}
