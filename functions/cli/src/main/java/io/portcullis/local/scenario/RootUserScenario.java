package io.portcullis.local.scenario;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.json.Json;
import java.security.SecureRandom;
import java.util.Set;

/**
 * The root user's access keys: {@code CreateAccessKey} by the root user for itself, or AWS Config's
 * {@code iam-root-access-key-check} NON_COMPLIANT on the account. Only the root user can create, list or change its own
 * keys, and the emulator has no root user to act as: nothing is created, a CloudTrail event keeps a new, obviously fake
 * key id, a Config verdict names the emulator's account, and the state says what can be read (nothing). What
 * Portcullis can do is tell a person.
 */
final class RootUserScenario implements Scenario {

    static final Set<String> RULES = Set.of("iam-root-access-key-check");

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private final ScenarioAws aws;

    RootUserScenario(ScenarioAws aws) {
        this.aws = aws;
    }

    /** The root user's own CreateAccessKey: called by root, naming no user. */
    static boolean isRootsOwnKey(SampleEvent sample) {
        return sample.eventName().equals("CreateAccessKey") && !sample.request().hasNonNull("userName")
                && "Root".equals(sample.detail().path("userIdentity").path("type").asText());
    }

    @Override
    public String describe() {
        return "the root user of account " + aws.account();
    }

    @Override
    public boolean accountWide() {
        return true;
    }

    @Override
    public boolean makesTheChange() {
        return false;
    }

    @Override
    public void createBefore(SampleEvent sample) {
    }

    @Override
    public ObjectNode aim(SampleEvent sample) {
        ObjectNode event = sample.fresh(aws.region());
        ObjectNode detail = (ObjectNode) event.path("detail");
        if (sample.isConfig()) {
            AccountTrailsScenario.aimAtAccount(event, aws.account());
            return event;
        }
        StringBuilder id = new StringBuilder("AKIAFAKEROOT");
        SecureRandom random = new SecureRandom();
        while (id.length() < 20) {
            id.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        ObjectNode key = detail.path("responseElements").path("accessKey") instanceof ObjectNode k ? k
                : detail.putObject("responseElements").putObject("accessKey");
        key.put("accessKeyId", id.toString()).put("status", "Active");
        return event;
    }

    @Override
    public ObjectNode apply(ObjectNode event) {
        return event;
    }

    @Override
    public ObjectNode read() {
        return Json.mapper().createObjectNode().put("accessKeys",
                "only the root user itself can list or change its access keys");
    }
}
