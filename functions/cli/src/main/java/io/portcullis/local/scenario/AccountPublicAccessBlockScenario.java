package io.portcullis.local.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.json.Json;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.s3control.model.PublicAccessBlockConfiguration;
import software.amazon.awssdk.services.s3control.model.S3ControlException;

/**
 * The account's own S3 public access block (S3 Control), all four settings on before the change; changed by
 * {@code PutAccountPublicAccessBlock} or {@code DeleteAccountPublicAccessBlock}. It belongs to the whole account, so
 * {@link #close} puts back what the account had before the scenario.
 */
final class AccountPublicAccessBlockScenario implements Scenario {

    static final Set<String> CALLS = Set.of("PutAccountPublicAccessBlock", "DeleteAccountPublicAccessBlock");

    private final ScenarioAws aws;
    private Optional<PublicAccessBlockConfiguration> original = Optional.empty();

    AccountPublicAccessBlockScenario(ScenarioAws aws) {
        this.aws = aws;
    }

    @Override
    public String describe() {
        return "the S3 public access block of account " + aws.account();
    }

    @Override
    public boolean accountWide() {
        return true;
    }

    @Override
    public void createBefore(SampleEvent sample) {
        original = current();
        aws.s3Control().putPublicAccessBlock(r -> r.accountId(aws.account()).publicAccessBlockConfiguration(c -> c
                .blockPublicAcls(true).ignorePublicAcls(true).blockPublicPolicy(true).restrictPublicBuckets(true)));
    }

    @Override
    public ObjectNode aim(SampleEvent sample) {
        ObjectNode event = sample.fresh(aws.region());
        SampleEvent.replaceText(event.path("detail").path("requestParameters"),
                "." + sample.detail().path("awsRegion").asText("?") + ".", "." + aws.region() + ".");
        return event;
    }

    @Override
    public ObjectNode apply(ObjectNode event) {
        SampleEvent aimed = new SampleEvent(null, event);
        if (aimed.eventName().equals("DeleteAccountPublicAccessBlock")) {
            aws.s3Control().deletePublicAccessBlock(r -> r.accountId(aws.account()));
        } else {
            JsonNode c = aimed.request().path("PublicAccessBlockConfiguration");
            aws.s3Control().putPublicAccessBlock(r -> r.accountId(aws.account()).publicAccessBlockConfiguration(b -> b
                    .blockPublicAcls(c.path("BlockPublicAcls").asBoolean(false))
                    .ignorePublicAcls(c.path("IgnorePublicAcls").asBoolean(false))
                    .blockPublicPolicy(c.path("BlockPublicPolicy").asBoolean(false))
                    .restrictPublicBuckets(c.path("RestrictPublicBuckets").asBoolean(false))));
        }
        return event;
    }

    /** {@code {"publicAccessBlock": {four flags} | null}}. */
    @Override
    public ObjectNode read() {
        ObjectNode out = Json.mapper().createObjectNode();
        current().ifPresentOrElse(c -> out.putObject("publicAccessBlock")
                        .put("BlockPublicAcls", Boolean.TRUE.equals(c.blockPublicAcls()))
                        .put("IgnorePublicAcls", Boolean.TRUE.equals(c.ignorePublicAcls()))
                        .put("BlockPublicPolicy", Boolean.TRUE.equals(c.blockPublicPolicy()))
                        .put("RestrictPublicBuckets", Boolean.TRUE.equals(c.restrictPublicBuckets())),
                () -> out.putNull("publicAccessBlock"));
        return out;
    }

    @Override
    public void close() {
        original.ifPresentOrElse(c -> aws.s3Control().putPublicAccessBlock(r -> r.accountId(aws.account())
                        .publicAccessBlockConfiguration(c)),
                () -> aws.s3Control().deletePublicAccessBlock(r -> r.accountId(aws.account())));
    }

    private Optional<PublicAccessBlockConfiguration> current() {
        try {
            return Optional.of(aws.s3Control().getPublicAccessBlock(r -> r.accountId(aws.account()))
                    .publicAccessBlockConfiguration());
        } catch (S3ControlException e) {
            if (e.awsErrorDetails() != null
                    && "NoSuchPublicAccessBlockConfiguration".equals(e.awsErrorDetails().errorCode())) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
