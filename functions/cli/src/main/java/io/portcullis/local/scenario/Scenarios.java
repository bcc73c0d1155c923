package io.portcullis.local.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Which scenario sets up a sample: by CloudTrail event source and call, or by the resource type and rule of an AWS
 * Config event. A sample no scenario knows is refused with the file, the event and what is supported.
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

    /** Config events, by resource type: the scenario, and (for compliance changes) the rules it can break. */
    private static final Map<String, Kind> CONFIG = Map.of(
            "AWS::EC2::SecurityGroup", new Kind("config.amazonaws.com", SecurityGroupScenario.BREAKS.keySet(),
                    SecurityGroupScenario::new),
            "AWS::S3::Bucket", new Kind("config.amazonaws.com", BucketScenario.BREAKS.keySet(), BucketScenario::new));

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
            // A configuration item is the resource's whole state after the change: only a security group's is read.
            if (sample.detailType().equals(SampleEvent.CONFIG_ITEM)
                    && sample.configResourceType().equals("AWS::EC2::SecurityGroup")) {
                return new SecurityGroupScenario(aws);
            }
            Kind kind = CONFIG.get(sample.configResourceType());
            if (sample.detailType().equals(SampleEvent.CONFIG_COMPLIANCE) && kind != null
                    && kind.calls().contains(sample.eventName())) {
                return kind.make().apply(aws);
            }
            throw unsupported(sample);
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

    /** Every CloudTrail call and Config rule a scenario can set up, for messages and the README. */
    public static List<String> supported() {
        Set<String> calls = new TreeSet<>();
        CLOUDTRAIL.forEach(k -> calls.addAll(k.calls()));
        List<String> out = new ArrayList<>(calls);
        out.add("the Config item of a security group");
        new java.util.TreeMap<>(CONFIG).forEach((type, k) -> k.calls().stream().sorted()
                .forEach(rule -> out.add("Config rule " + rule + " NON_COMPLIANT on " + type)));
        return out;
    }

    private static UnsupportedSample unsupported(SampleEvent sample) {
        return new UnsupportedSample(sample.file() + ": " + sample.describe() + " is not a change the sandbox can set"
                + " up; supported: " + String.join(", ", supported()) + ".");
    }
}
