package io.portcullis.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.portcullis.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for Slack's Web API on this machine, for tests and the local demo: {@code chat.postMessage},
 * {@code chat.update}, {@code auth.test}, {@code usergroups.users.list}, {@code users.lookupByEmail} and
 * {@code conversations.open} (direct messages) on 127.0.0.1, answering as Slack does, and recording every call.
 *
 * <p>It is deliberately small: it checks what a real workspace would refuse first (the bot token, a channel, a user
 * who is not in the workspace or is deactivated, a direct-message channel nobody opened) and keeps the messages, so a
 * test can assert what was posted where, including the direct messages ({@link #directMessages(String)}). The Slack SDK 1.48 posts form-encoded bodies
 * ({@code blocks} as a JSON string field) with {@code Authorization: Bearer}; JSON bodies, which Slack also accepts,
 * are read too.
 *
 * <pre>{@code
 * try (LocalSlack slack = LocalSlack.start("xoxb-test")) {
 *     Notifier notifier = SlackNotifier.create("xoxb-test", "C0ONCALL", slack.url());
 *     ...
 *     assertThat(slack.messages()).hasSize(1);
 * }
 * }</pre>
 */
public final class LocalSlack implements AutoCloseable {

    /**
     * One Web API call as received.
     *
     * @param method        the API method, e.g. {@code chat.postMessage}
     * @param token         the bearer token it carried (null when none)
     * @param channel       the {@code channel} field ({@code users} for {@code conversations.open})
     * @param ts            the message's ts: the one Slack gave it (post) or the one to update
     * @param threadTs      {@code thread_ts}, for replies
     * @param text          the top-level {@code text} fallback
     * @param blocks        the Block Kit blocks, as JSON (a missing node when none)
     * @param replyBroadcast {@code reply_broadcast}
     * @param ok            whether it answered ok
     * @param error         the error it answered, if not ok
     */
    private final Map<String, java.time.Duration> delays = new java.util.concurrent.ConcurrentHashMap<>();

    public record Request(String method, String token, String channel, String ts, String threadTs, String text,
                          JsonNode blocks, boolean replyBroadcast, boolean ok, String error) {

        /** The first block with this {@code type} whose {@code block_id} starts with {@code prefix}, or a missing node. */
        public JsonNode block(String type, String prefix) {
            for (JsonNode block : blocks) {
                if (block.path("type").asText().equals(type) && block.path("block_id").asText().startsWith(prefix)) {
                    return block;
                }
            }
            return MissingNode.getInstance();
        }
    }

    private static final long EPOCH = 1_700_000_000L;

    private final HttpServer server;
    private final ExecutorService executor;
    private final String expectedToken;
    private final ObjectMapper json = Json.mapper();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicLong sequence = new AtomicLong();
    private final Deque<Failure> failures = new ArrayDeque<>();
    private final Map<String, List<String>> groups = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, String> emails = new java.util.concurrent.ConcurrentHashMap<>();
    private final Set<String> deactivated = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Direct-message channel ({@code D…}) to the user it was opened with. */
    private final Map<String, String> dmChannels = new java.util.concurrent.ConcurrentHashMap<>();

    /** A user group ({@code usergroups.users.list} answers its members). */
    public LocalSlack userGroup(String groupId, List<String> members) {
        groups.put(groupId, List.copyOf(members));
        return this;
    }

    /** A workspace user ({@code users.lookupByEmail} finds them, {@code conversations.open} opens a DM with them). */
    public LocalSlack user(String email, String userId) {
        emails.put(email, userId);
        return this;
    }

    /**
     * A user whose account was deactivated: {@code conversations.open} answers {@code user_disabled}. Here they are
     * still found by e-mail, so a test reaches the direct message that Slack refuses.
     */
    public LocalSlack deactivate(String userId) {
        deactivated.add(userId);
        return this;
    }

    private record Failure(int status, String error, Long retryAfter) {
    }

    private LocalSlack(String expectedToken) throws IOException {
        this.expectedToken = expectedToken;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "local-slack");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/api/", this::handle);
        server.start();
    }

    /** Starts the fake on a free port of 127.0.0.1, accepting only {@code botToken}. */
    public static LocalSlack start(String botToken) {
        try {
            return new LocalSlack(botToken);
        } catch (IOException e) {
            throw new IllegalStateException("could not start the local Slack on 127.0.0.1: " + e.getMessage(), e);
        }
    }

    /** The Web API prefix to give {@code SlackNotifier.create}, e.g. {@code http://127.0.0.1:41234/api/}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/";
    }

    /** Every call, in order, including refused ones. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The calls to {@code method}, in order. */
    public List<Request> requests(String method) {
        return requests.stream().filter(r -> r.method().equals(method)).toList();
    }

    /** The messages posted ({@code chat.postMessage} answered ok), in order. */
    public List<Request> messages() {
        return requests.stream().filter(r -> r.ok() && r.method().equals("chat.postMessage")).toList();
    }

    /** The updates made ({@code chat.update} answered ok), in order. */
    public List<Request> updates() {
        return requests.stream().filter(r -> r.ok() && r.method().equals("chat.update")).toList();
    }

    /** The direct messages posted to this user ({@code chat.postMessage} to the channel {@code conversations.open} gave). */
    public List<Request> directMessages(String userId) {
        return messages().stream().filter(r -> userId.equals(dmChannels.get(r.channel()))).toList();
    }

    /** Every direct message posted, to anyone. */
    public List<Request> directMessages() {
        return messages().stream().filter(r -> dmChannels.containsKey(r.channel())).toList();
    }

    /** The replies in the thread of the message with this ts. */
    public List<Request> thread(String ts) {
        return messages().stream().filter(r -> ts.equals(r.threadTs())).toList();
    }

    /** The next call is answered {@code {"ok":false,"error":…}} with HTTP 200, as Slack reports most errors. */
    public synchronized void failNext(String error) {
        failures.add(new Failure(200, error, null));
    }

    /** Every later call of this method is answered only after {@code delay}, as a slow Slack would (zero: at once). */
    public LocalSlack slow(String method, java.time.Duration delay) {
        delays.put(method, delay);
        return this;
    }

    /** The next call is answered HTTP 429 with {@code Retry-After: seconds}, as Slack rate-limits. */
    public synchronized void rateLimitNext(long retryAfterSeconds) {
        failures.add(new Failure(429, "ratelimited", retryAfterSeconds));
    }

    private synchronized Failure nextFailure() {
        return failures.poll();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // --- the API ---

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestURI().getPath().substring("/api/".length());
            java.time.Duration delay = delays.getOrDefault(method, java.time.Duration.ZERO);
            if (!delay.isZero()) {
                try {
                    Thread.sleep(delay.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (!exchange.getRequestMethod().equals("POST")) {
                answer(exchange, 405, error("method_not_supported_for_channel_type"), null);
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, JsonNode> fields = fields(exchange.getRequestHeaders().getFirst("Content-Type"), body);
            String token = bearer(exchange.getRequestHeaders().getFirst("Authorization"));
            if (token == null && fields.containsKey("token")) {
                token = fields.get("token").asText();
            }
            String channel = text(fields, "channel");
            String threadTs = text(fields, "thread_ts");
            String messageText = text(fields, "text");
            JsonNode blocks = blocks(fields.get("blocks"));
            boolean broadcast = fields.containsKey("reply_broadcast")
                    && (fields.get("reply_broadcast").asBoolean() || fields.get("reply_broadcast").asText().equals("1"));

            Failure failure = nextFailure();
            String refusal = failure != null ? failure.error()
                    : token == null ? "not_authed"
                    : !token.equals(expectedToken) ? "invalid_auth"
                    : null;
            boolean directory = method.equals("usergroups.users.list") || method.equals("users.lookupByEmail");
            boolean open = method.equals("conversations.open");
            if (refusal == null && !method.equals("auth.test") && !directory && !open
                    && (channel == null || channel.isBlank())) {
                refusal = "channel_not_found";
            }
            // Direct-message channels exist only once conversations.open made them.
            if (refusal == null && channel != null && channel.startsWith("D") && !dmChannels.containsKey(channel)) {
                refusal = "channel_not_found";
            }
            if (refusal == null && method.equals("chat.update") && text(fields, "ts") == null) {
                refusal = "message_not_found";
            }
            if (refusal == null && !List.of("chat.postMessage", "chat.update", "auth.test", "usergroups.users.list",
                    "users.lookupByEmail", "conversations.open").contains(method)) {
                refusal = "unknown_method";
            }
            if (refusal == null && method.equals("usergroups.users.list") && !groups.containsKey(text(fields, "usergroup"))) {
                refusal = "no_such_subteam";
            }
            if (refusal == null && method.equals("users.lookupByEmail") && !emails.containsKey(text(fields, "email"))) {
                refusal = "users_not_found";
            }
            String users = text(fields, "users");
            if (refusal == null && open) {
                refusal = users == null ? "users_list_not_supplied"
                        // Only what Portcullis does: a 1:1 conversation with one person.
                        : users.contains(",") ? "invalid_arguments"
                        : !emails.containsValue(users) ? "user_not_found"
                        : deactivated.contains(users) ? "user_disabled"
                        : null;
            }
            String ts = refusal != null ? null
                    : method.equals("chat.update") ? text(fields, "ts")
                    : method.equals("chat.postMessage") ? nextTs() : null;
            requests.add(new Request(method, token, open ? users : channel, ts, threadTs, messageText, blocks,
                    broadcast, refusal == null, refusal));
            if (refusal != null) {
                answer(exchange, failure == null ? 200 : failure.status(), error(refusal),
                        failure == null ? null : failure.retryAfter());
                return;
            }
            ObjectNode ok = json.createObjectNode().put("ok", true);
            if (method.equals("usergroups.users.list")) {
                var members = ok.putArray("users");
                groups.get(text(fields, "usergroup")).forEach(members::add);
            } else if (method.equals("users.lookupByEmail")) {
                ok.putObject("user").put("id", emails.get(text(fields, "email")));
            } else if (open) {
                String dm = "D0" + users.substring(1);
                boolean already = dmChannels.putIfAbsent(dm, users) != null;
                ok.put("no_op", already).put("already_open", already).putObject("channel").put("id", dm);
            } else if (method.equals("auth.test")) {
                ok.put("url", "https://portcullis-local.slack.com/").put("team", "Portcullis local")
                        .put("user", "portcullis").put("team_id", "T0LOCAL").put("user_id", "U0PORTCULLIS")
                        .put("bot_id", "B0PORTCULLIS");
            } else {
                ok.put("channel", channel).put("ts", ts);
                ObjectNode message = ok.putObject("message").put("type", "message").put("user", "U0PORTCULLIS")
                        .put("bot_id", "B0PORTCULLIS").put("text", messageText == null ? "" : messageText)
                        .put("ts", ts);
                if (threadTs != null) {
                    message.put("thread_ts", threadTs);
                }
                if (!blocks.isMissingNode()) {
                    message.set("blocks", blocks);
                }
            }
            answer(exchange, 200, ok, null);
        }
    }

    private String nextTs() {
        long n = sequence.incrementAndGet();
        return String.format(java.util.Locale.ROOT, "%d.%06d", EPOCH + n / 10_000, n % 10_000 * 100);
    }

    private Map<String, JsonNode> fields(String contentType, byte[] body) throws IOException {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        String type = contentType == null ? "" : contentType.toLowerCase(java.util.Locale.ROOT);
        if (type.startsWith("application/json")) {
            JsonNode root = json.readTree(body);
            if (root != null && root.isObject()) {
                root.properties().forEach(e -> fields.put(e.getKey(), e.getValue()));
            }
            return fields;
        }
        String form = new String(body, StandardCharsets.UTF_8);
        for (String pair : form.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            fields.put(key, json.getNodeFactory().textNode(value));
        }
        return fields;
    }

    /** Blocks come as a JSON array (JSON bodies) or as a string holding one (form bodies). */
    private JsonNode blocks(JsonNode field) throws IOException {
        if (field == null || field.isNull()) {
            return MissingNode.getInstance();
        }
        if (field.isTextual()) {
            return field.asText().isBlank() ? MissingNode.getInstance() : json.readTree(field.asText());
        }
        return field;
    }

    private static String text(Map<String, JsonNode> fields, String name) {
        JsonNode value = fields.get(name);
        return value == null || value.isNull() || value.asText().isEmpty() ? null : value.asText();
    }

    private static String bearer(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return null;
        }
        String token = authorization.substring("Bearer ".length()).trim();
        return token.isEmpty() ? null : token;
    }

    private ObjectNode error(String error) {
        return json.createObjectNode().put("ok", false).put("error", error);
    }

    private void answer(HttpExchange exchange, int status, JsonNode body, Long retryAfter) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        if (retryAfter != null) {
            exchange.getResponseHeaders().set("Retry-After", Long.toString(retryAfter));
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
