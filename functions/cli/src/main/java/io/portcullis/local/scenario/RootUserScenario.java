package io.portcullis.local.scenario;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.json.Json;
import java.security.SecureRandom;

/**
 * {@code CreateAccessKey} by the root user for itself. Only the root user can create, list or change its own keys, and
 * the emulator has no root user to act as: nothing is created, the event keeps a new, obviously fake key id, and the
 * state says what can be read (nothing). What Portcullis can do is tell a person.
 */
final class RootUserScenario implements Scenario {

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
    public void createBefore(SampleEvent sample) {
    }

    @Override
    public ObjectNode aim(SampleEvent sample) {
        ObjectNode event = sample.fresh(aws.region());
        StringBuilder id = new StringBuilder("AKIAFAKEROOT");
        SecureRandom random = new SecureRandom();
        while (id.length() < 20) {
            id.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        ObjectNode detail = (ObjectNode) event.path("detail");
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
