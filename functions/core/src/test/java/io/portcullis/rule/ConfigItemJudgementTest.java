package io.portcullis.rule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.change.Change;
import io.portcullis.change.ChangeKind;
import io.portcullis.change.CloudTrailEventReader;
import io.portcullis.change.OriginClassifier;
import io.portcullis.change.ReadResult;
import io.portcullis.json.Json;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * AWS Config items of buckets and IAM identities, read as AWS Config delivers them and judged by the rules that judge
 * the calls: state drift, whatever caused it. Each row is one item's security-relevant part.
 */
class ConfigItemJudgementTest {

    static final String BLOCK_ON = "\"PublicAccessBlockConfiguration\":{\"blockPublicAcls\":true,\"ignorePublicAcls\":true,"
            + "\"blockPublicPolicy\":true,\"restrictPublicBuckets\":true}";
    static final String SSE = "\"ServerSideEncryptionConfiguration\":{\"rules\":[{\"applyServerSideEncryptionByDefault\":"
            + "{\"sseAlgorithm\":\"AES256\",\"kmsMasterKeyID\":null},\"bucketKeyEnabled\":false}]}";
    static final String PRIVATE_ACL = "\"AccessControlList\":\"{\\\"grantList\\\":[{\\\"grantee\\\":{\\\"id\\\":\\\"abc\\\","
            + "\\\"displayName\\\":null},\\\"permission\\\":\\\"FullControl\\\"}],\\\"owner\\\":{\\\"id\\\":\\\"abc\\\"}}\"";

    final CloudTrailEventReader reader = new CloudTrailEventReader(Json.mapper(), new OriginClassifier(Set.of()));

    ObjectNode item(String type, String id, String name) {
        ObjectNode event = Json.mapper().createObjectNode().put("version", "0").put("id", "e-1")
                .put("detail-type", "Config Configuration Item Change").put("source", "aws.config")
                .put("account", "123456789012").put("region", "us-east-1");
        ObjectNode detail = event.putObject("detail").put("messageType", "ConfigurationItemChangeNotification");
        ObjectNode item = detail.putObject("configurationItem").put("resourceType", type).put("resourceId", id)
                .put("awsAccountId", "123456789012").put("awsRegion", "us-east-1")
                .put("configurationItemCaptureTime", "2026-11-25T05:00:00.000Z").put("configurationStateId", 17)
                .put("configurationItemStatus", "OK");
        if (name != null) {
            item.put("resourceName", name);
        }
        return event;
    }

    ReadResult read(ObjectNode event, String part, String json) throws Exception {
        ((ObjectNode) event.path("detail").path("configurationItem")).set(part, Json.mapper().readTree(json));
        return reader.read(event);
    }

    List<String> judged(ReadResult read) {
        assertThat(read).isInstanceOf(ReadResult.Read.class);
        Change change = ((ReadResult.Read) read).change();
        assertThat(change.kind()).isEqualTo(ChangeKind.STATE);
        return RuleSet.defaults().evaluate(change).stream().map(Finding::ruleId).toList();
    }

    static List<String> expected(String ids) {
        return ids.equals("NONE") ? List.of() : Arrays.stream(ids.split("\\s+")).toList();
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', textBlock = """
        {BLOCK_ON,SSE,PRIVATE_ACL,"BucketPolicy":{"policyText":null}} | NONE
        {BLOCK_ON,SSE,PRIVATE_ACL,"BucketPolicy":{"policyText":"{\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Principal\\":\\"*\\",\\"Action\\":\\"s3:GetObject\\",\\"Resource\\":\\"*\\"}]}"}} | s3-public-policy
        {BLOCK_ON,SSE,PRIVATE_ACL,"BucketPolicy":"{\\"policyText\\":\\"{\\\\\\"Statement\\\\\\":[{\\\\\\"Effect\\\\\\":\\\\\\"Allow\\\\\\",\\\\\\"Principal\\\\\\":{\\\\\\"AWS\\\\\\":\\\\\\"*\\\\\\"},\\\\\\"Action\\\\\\":\\\\\\"s3:*\\\\\\"}]}\\"}"} | s3-public-policy
        {BLOCK_ON,SSE,PRIVATE_ACL,"BucketPolicy":{"policyText":"{\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Principal\\":\\"*\\",\\"Action\\":\\"s3:GetObject\\",\\"Condition\\":{\\"StringEquals\\":{\\"aws:PrincipalOrgID\\":\\"o-1\\"}}}]}"}} | NONE
        {BLOCK_ON,SSE,"AccessControlList":"{\\"grantList\\":[{\\"grantee\\":\\"AllUsers\\",\\"permission\\":\\"Read\\"}]}"} | s3-public-acl
        {BLOCK_ON,SSE,"AccessControlList":"{\\"grantList\\":[{\\"grantee\\":\\"AuthenticatedUsers\\",\\"permission\\":\\"WriteAcp\\"}]}"} | s3-public-acl
        {BLOCK_ON,SSE,"AccessControlList":"{\\"grantList\\":[{\\"grantee\\":\\"LogDelivery\\",\\"permission\\":\\"Write\\"}]}"} | NONE
        {"PublicAccessBlockConfiguration":{"blockPublicAcls":true,"ignorePublicAcls":true,"blockPublicPolicy":false,"restrictPublicBuckets":true},SSE,PRIVATE_ACL} | s3-public-access-block-off
        {SSE,PRIVATE_ACL} | s3-public-access-block-off
        {BLOCK_ON,PRIVATE_ACL} | s3-encryption-removed
        {BLOCK_ON,PRIVATE_ACL,"ServerSideEncryptionConfiguration":{"rules":[]}} | s3-encryption-removed
        {BLOCK_ON,PRIVATE_ACL,"ServerSideEncryptionConfiguration":"{\\"rules\\":[{\\"applyServerSideEncryptionByDefault\\":{\\"sseAlgorithm\\":\\"aws:kms\\",\\"kmsMasterKeyID\\":\\"k-1\\"},\\"bucketKeyEnabled\\":true}]}"} | NONE
        {"AccessControlList":"{\\"grantList\\":[{\\"grantee\\":\\"AllUsers\\",\\"permission\\":\\"FullControl\\"}]}"} | s3-public-acl s3-public-access-block-off s3-encryption-removed
        """)
    void aBucketIsJudgedOnItsState(String supplementary, String expected) throws Exception {
        String json = supplementary.replace("BLOCK_ON", BLOCK_ON).replace("SSE", SSE).replace("PRIVATE_ACL", PRIVATE_ACL);

        List<String> rules = judged(read(item("AWS::S3::Bucket", "example-bucket", "example-bucket"),
                "supplementaryConfiguration", json));

        assertThat(rules).containsExactlyElementsOf(expected(expected));
    }

    @Test
    void aPublicGrantFromConfigNamesThePermissionAsS3Does() throws Exception {
        ReadResult read = read(item("AWS::S3::Bucket", "example-bucket", "example-bucket"), "supplementaryConfiguration",
                "{" + BLOCK_ON + "," + SSE + ",\"AccessControlList\":\"{\\\"grantList\\\":[{\\\"grantee\\\":\\\"AllUsers\\\","
                        + "\\\"permission\\\":\\\"ReadAcp\\\"},{\\\"grantee\\\":\\\"AllUsers\\\",\\\"permission\\\":\\\"Read\\\"}]}\"}");

        Finding f = RuleSet.defaults().evaluate(((ReadResult.Read) read).change()).get(0);

        assertThat(f.facts()).containsEntry("AllUsers", "READ_ACP, READ");
        assertThat(f.resource().arn()).isEqualTo("arn:aws:s3:::example-bucket");
    }

    static final String LAMBDA_TRUST = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow"
            + "%22%2C%22Principal%22%3A%7B%22Service%22%3A%22lambda.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D";
    static final String ANYONE_TRUST = "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22AWS"
            + "%22%3A%22*%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D";
    static final String OUTSIDE_TRUST = "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22AWS"
            + "%22%3A%22arn%3Aaws%3Aiam%3A%3A444455556666%3Aroot%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D";
    static final String ADMIN_DOC = "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22*%22%2C%22"
            + "Resource%22%3A%22*%22%7D%5D%7D";
    static final String SCOPED_DOC = "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObject"
            + "%22%2C%22Resource%22%3A%22*%22%7D%5D%7D";

    @ParameterizedTest(name = "[{index}] {0} {2}")
    @CsvSource(delimiter = '|', textBlock = """
        AWS::IAM::Role  | role  | {"assumeRolePolicyDocument":"LAMBDA_TRUST","rolePolicyList":[{"policyName":"read","policyDocument":"SCOPED_DOC"}],"attachedManagedPolicies":[{"policyName":"ReadOnlyAccess","policyArn":"arn:aws:iam::aws:policy/ReadOnlyAccess"}]} | NONE
        AWS::IAM::Role  | role  | {"assumeRolePolicyDocument":"ANYONE_TRUST","rolePolicyList":[],"attachedManagedPolicies":[]} | iam-trust-anyone
        AWS::IAM::Role  | role  | {"assumeRolePolicyDocument":"OUTSIDE_TRUST","rolePolicyList":[],"attachedManagedPolicies":[]} | iam-trust-external-account
        AWS::IAM::Role  | role  | {"assumeRolePolicyDocument":"LAMBDA_TRUST","rolePolicyList":[{"policyName":"all","policyDocument":"ADMIN_DOC"}],"attachedManagedPolicies":[{"policyName":"AdministratorAccess","policyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}]} | iam-admin-granted iam-admin-granted
        AWS::IAM::User  | user  | {"userPolicyList":[{"policyName":"all","policyDocument":"ADMIN_DOC"}],"attachedManagedPolicies":[]} | iam-admin-granted
        AWS::IAM::User  | user  | {"userPolicyList":[{"policyName":"read","policyDocument":"SCOPED_DOC"}],"attachedManagedPolicies":[{"policyName":"IAMFullAccess","policyArn":"arn:aws:iam::aws:policy/IAMFullAccess"}]} | iam-admin-granted
        AWS::IAM::Group | group | {"groupPolicyList":[{"policyName":"read","policyDocument":"SCOPED_DOC"}],"attachedManagedPolicies":[]} | NONE
        AWS::IAM::Group | group | {"groupPolicyList":[{"policyName":"all","policyDocument":{"Statement":{"Effect":"Allow","Action":"iam:*","Resource":"*"}}}]} | iam-admin-granted
        """)
    void anIamIdentityIsJudgedOnItsState(String type, String kind, String configuration, String expected) throws Exception {
        String json = configuration.replace("LAMBDA_TRUST", LAMBDA_TRUST).replace("ANYONE_TRUST", ANYONE_TRUST)
                .replace("OUTSIDE_TRUST", OUTSIDE_TRUST).replace("ADMIN_DOC", ADMIN_DOC).replace("SCOPED_DOC", SCOPED_DOC);

        ReadResult read = read(item(type, "AIDAEXAMPLE000000001", "entity-1"), "configuration", json);

        assertThat(judged(read)).containsExactlyElementsOf(expected(expected));
        Change change = ((ReadResult.Read) read).change();
        assertThat(change.resource().arn()).as("the ARN IAM calls and the inventory use: by name, not by Config's id")
                .isEqualTo("arn:aws:iam::123456789012:" + kind + "/entity-1");
    }

    @Test
    void anInlinePolicyFromConfigCarriesItsDecodedDocument() throws Exception {
        ReadResult read = read(item("AWS::IAM::User", "AIDAEXAMPLE000000001", "build-bot"), "configuration",
                "{\"userPolicyList\":[{\"policyName\":\"everything\",\"policyDocument\":\"" + ADMIN_DOC + "\"}]}");

        Finding f = RuleSet.defaults().evaluate(((ReadResult.Read) read).change()).get(0);

        assertThat(f.facts()).containsEntry("policyName", "everything")
                .containsEntry("policyDocument", "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}");
        assertThat(f.explanation()).contains("AWS Config shows the inline policy everything on user build-bot");
    }

    @ParameterizedTest(name = "[{index}] {2}")
    @CsvSource(delimiter = '|', textBlock = """
        AWS::S3::Bucket | supplementaryConfiguration | {"AccessControlList":"{not json"}                                       | AccessControlList is text but not JSON
        AWS::S3::Bucket | supplementaryConfiguration | {"AccessControlList":"{\\"grantList\\":[{\\"permission\\":\\"Read\\"}]}"} | grantList[0].grantee names nobody
        AWS::IAM::Role  | configuration              | {"assumeRolePolicyDocument":"%7Bnot%20json"}                             | assumeRolePolicyDocument is not a policy document
        AWS::IAM::User  | configuration              | {"userPolicyList":[{"policyDocument":"{}"}]}                             | userPolicyList[0].policyName is missing
        AWS::IAM::Group | configuration              | {"attachedManagedPolicies":{"policyArn":"arn:aws:iam::aws:policy/X"}}    | attachedManagedPolicies must be a list, not object
        AWS::IAM::Group | configuration              | {"groupPolicyList":"everything"}                                         | groupPolicyList must be a list, not string
        """)
    void whatCannotBeReadIsRefusedNamingTheField(String type, String part, String json, String reason) throws Exception {
        ReadResult read = read(item(type, "example-bucket", "example-bucket"), part, json);

        assertThat(read).isInstanceOfSatisfying(ReadResult.Refused.class, r -> assertThat(r.reason()).contains(reason));
    }

    @Test
    void anIamItemWithoutAName() throws Exception {
        ReadResult read = read(item("AWS::IAM::Role", "AROAEXAMPLE000000001", null), "configuration", "{}");

        assertThat(read).isInstanceOfSatisfying(ReadResult.Refused.class, r -> assertThat(r.reason())
                .contains("resourceName (the role's name) is missing"));
    }
}
