package io.portcullis.aws;

import io.portcullis.playbook.MemberSessions;
import io.portcullis.playbook.Place;
import io.portcullis.playbook.ResourceActions;
import java.util.List;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * Member accounts' sessions over STS {@code AssumeRole}: the member role {@code arn:<partition>:iam::<account>:role/
 * <name>}, assumed for {@value #DURATION_SECONDS} seconds (the shortest STS allows: a leaked session is worth little)
 * under the session name the caller gives, and the resource actions built over a connection signing with it.
 *
 * <p>AssumeRole directly rather than the SDK's refreshing provider: the caller keeps one session per incident and
 * replaces it before it lapses, and a refusal must be known before a step reads anything, not on its first call.
 */
public final class StsMemberSessions implements MemberSessions {

    /** STS's minimum; a step finishes well within it, and a session is replaced before it lapses. */
    public static final int DURATION_SECONDS = 900;

    private final AwsConnection hub;
    private final String roleName;
    private final Function<AwsConnection, List<ResourceActions>> actions;
    private final Lazy<StsClient> sts;

    /**
     * @param hub      the worker's own connection (its role assumes the member roles)
     * @param roleName the member role's name in every account (PORTCULLIS_MEMBER_ROLE_NAME)
     * @param actions  the resource actions over a connection to one account
     */
    public StsMemberSessions(AwsConnection hub, String roleName, Function<AwsConnection, List<ResourceActions>> actions) {
        this.hub = hub;
        this.roleName = roleName;
        this.actions = actions;
        this.sts = new Lazy<>(hub::sts);
    }

    /** The member role of {@code account}, in the hub's partition. */
    public String roleArn(String account) {
        return "arn:" + partition(hub.region()) + ":iam::" + account + ":role/" + roleName;
    }

    @Override
    public Session open(Place place, String sessionName) {
        String arn = roleArn(place.account());
        AssumeRoleResponse assumed;
        try {
            assumed = sts.get().assumeRole(r -> r.roleArn(arn).roleSessionName(sessionName)
                    .durationSeconds(DURATION_SECONDS));
        } catch (StsException e) {
            if (retryable(e)) {
                throw e;
            }
            // AccessDenied (no such role, a trust that does not admit this worker, an account outside the
            // organisation), RegionDisabled, an expired token: asking again changes nothing, a person must look.
            String code = e.awsErrorDetails() == null ? "" + e.statusCode() : e.awsErrorDetails().errorCode();
            throw new MemberSessions.Refused("STS refused AssumeRole on " + arn + " (" + code + ": "
                    + (e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage())
                    + "). Is Portcullis' member stack deployed in account " + place.account()
                    + ", and is the account still in the organisation?");
        }
        Credentials c = assumed.credentials();
        AwsConnection member = hub.as(StaticCredentialsProvider.create(AwsSessionCredentials.create(c.accessKeyId(),
                c.secretAccessKey(), c.sessionToken())), Region.of(place.clientRegion()));
        return new Session(actions.apply(member), c.expiration());
    }

    /** Throttling and server errors the SDK's retries did not get past: the step is retried, nobody is paged yet. */
    private static boolean retryable(StsException e) {
        return e.isThrottlingException() || e.statusCode() >= 500;
    }

    private static String partition(Region region) {
        var metadata = region.metadata();
        return metadata == null ? "aws" : metadata.partition().id();
    }
}
