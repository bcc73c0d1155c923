package io.portcullis.local.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Which scenario sets up a sample: by CloudTrail event source and call, or by the resource type (and, for a compliance
 * change, the rule) of an AWS Config event. A sample no scenario knows is refused with the file, the event and what is
 * supported.
 */
public final class Scenarios {

    private record Kind(String source, Set<String> calls, Function<ScenarioAws, Scenario> make) {
    }

    private static final List<Kind> CLOUDTRAIL = List.of(
            new Kind("ec2.amazonaws.com", SecurityGroupScenario.CALLS, SecurityGroupScenario::new),
            new Kind("ec2.amazonaws.com", FlowLogScenario.CALLS, FlowLogScenario::new),
            new Kind("s3.amazonaws.com", BucketScenario.CALLS, BucketScenario::new),
            new Kind("s3.amazonaws.com", AccountPublicAccessBlockScenario.CALLS, AccountPublicAccessBlockScenario::new),
            new Kind("iam.amazonaws.com", IamUserScenario.CALLS, IamUserScenario::new),
            new Kind("iam.amazonaws.com", IamRoleScenario.CALLS, IamRoleScenario::new),
            new Kind("iam.amazonaws.com", IamGroupScenario.CALLS, IamGroupScenario::new),
            new Kind("iam.amazonaws.com", ManagedPolicyScenario.CALLS, ManagedPolicyScenario::new),
            new Kind("cloudtrail.amazonaws.com", TrailScenario.CALLS, TrailScenario::new));

    /** Config configuration items, by resource type: the item is the resource's whole state after the change. */
    private static final Map<String, Function<ScenarioAws, Scenario>> CONFIG_ITEMS = Map.of(
            "AWS::EC2::SecurityGroup", SecurityGroupScenario::new,
            "AWS::S3::Bucket", BucketScenario::new,
            "AWS::IAM::User", IamUserScenario::new,
            "AWS::IAM::Role", IamRoleScenario::new,
            "AWS::IAM::Group", IamGroupScenario::new);

    /** Config compliance changes, by resource type: the rules each scenario can make a resource break. */
    private static final Map<String, List<Kind>> CONFIG_RULES = Map.of(
            "AWS::EC2::SecurityGroup", List.of(config(SecurityGroupScenario.BREAKS.keySet(), SecurityGroupScenario::new)),
            "AWS::S3::Bucket", List.of(config(BucketScenario.BREAKS.keySet(), BucketScenario::new)),
            "AWS::EC2::VPC", List.of(config(FlowLogScenario.RULES, FlowLogScenario::new)),
            "AWS::IAM::Policy", List.of(config(ManagedPolicyScenario.RULES, ManagedPolicyScenario::new)),
            "AWS::::Account", List.of(config(AccountTrailsScenario.RULES, AccountTrailsScenario::new),
                    config(RootUserScenario.RULES, RootUserScenario::new)));

    private Scenarios() {
    }

    /**
     * The scenario for this sample, not yet set up (nothing is called in the emulator until
     * {@link Scenario#createBefore}).
     *
     * @throws UnsupportedSample naming the file, the event and the supported ones
     */
    public static Scenario forSample(SampleEvent sample, ScenarioAws aws) {
        if (sample.isConfig()) {
            if (sample.detailType().equals(SampleEvent.CONFIG_ITEM)) {
                var make = CONFIG_ITEMS.get(sample.configResourceType());
                if (make == null) {
                    throw unsupported(sample);
                }
                return make.apply(aws);
            }
            return CONFIG_RULES.getOrDefault(sample.configResourceType(), List.of()).stream()
                    .filter(k -> k.calls().contains(sample.eventName())).findFirst()
                    .map(k -> k.make().apply(aws)).orElseThrow(() -> unsupported(sample));
        }
        if (sample.source().equals("iam.amazonaws.com") && RootUserScenario.isRootsOwnKey(sample)) {
            return new RootUserScenario(aws);
        }
        if (sample.source().equals("iam.amazonaws.com") && sample.eventName().equals("CreateAccessKey")
                && !sample.request().hasNonNull("userName")) {
            // A user's own key, named by no field: the caller is the user, whom the event names only in its ARN.
            throw new UnsupportedSample(sample.file() + ": " + sample.describe() + " names no userName and was not made"
                    + " by the root user; the scenarios set up a key for a named user or for root");
        }
        return CLOUDTRAIL.stream().filter(k -> k.source().equals(sample.source()) && k.calls().contains(sample.eventName()))
                .findFirst().map(k -> k.make().apply(aws)).orElseThrow(() -> unsupported(sample));
    }

    /** Every CloudTrail call and Config event a scenario can set up, for messages and the README. */
    public static List<String> supported() {
        Set<String> calls = new TreeSet<>();
        CLOUDTRAIL.forEach(k -> calls.addAll(k.calls()));
        List<String> out = new ArrayList<>(calls);
        new TreeSet<>(CONFIG_ITEMS.keySet()).forEach(type -> out.add("the Config item of " + type));
        new TreeMap<>(CONFIG_RULES).forEach((type, kinds) -> kinds.stream().flatMap(k -> k.calls().stream()).sorted()
                .forEach(rule -> out.add("Config rule " + rule + " NON_COMPLIANT on " + type)));
        return out;
    }

    private static Kind config(Set<String> rules, Function<ScenarioAws, Scenario> make) {
        return new Kind("config.amazonaws.com", rules, make);
    }

    private static UnsupportedSample unsupported(SampleEvent sample) {
        return new UnsupportedSample(sample.file() + ": " + sample.describe() + " is not a change the sandbox can set"
                + " up; supported: " + String.join(", ", supported()) + ".");
    }
}
