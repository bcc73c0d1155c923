package io.portcullis.rule;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.change.Actor;
import io.portcullis.change.Change;
import io.portcullis.change.ChangeKind;
import io.portcullis.change.Origin;
import io.portcullis.change.ResourceRef;
import io.portcullis.json.Json;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Positive forms and near misses of S3 exposure, one request at a time. */
class S3ExposureRuleTest {

    static List<Finding> judge(String eventName, String request) throws Exception {
        Change change = new Change("e-1", eventName, "s3.amazonaws.com", Instant.EPOCH,
                new Actor("arn:aws:sts::123456789012:assumed-role/Dev/d", "AssumedRole", null, true, "203.0.113.4", null),
                Origin.CONSOLE, ResourceRef.bucket("b-example", "123456789012", "eu-west-1"), ChangeKind.CONFIGURATION,
                List.of(), null, Json.mapper().readTree(request));
        return RuleSet.defaults().evaluate(change);
    }

    @ParameterizedTest(name = "{0}: {1} → {2}")
    @CsvSource(delimiter = '|', textBlock = """
        PutBucketPolicy | {"bucketPolicy":{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}} | s3-public-policy
        PutBucketPolicy | {"bucketPolicy":{"Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["s3:PutObject"],"Resource":"*"}}} | s3-public-policy
        PutBucketPolicy | {"bucketPolicy":{"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","*"]},"Action":"s3:*","Resource":"*"}]}} | s3-public-policy
        PutBucketPolicy | {"bucketPolicy":"{\\"Statement\\":[{\\"Effect\\":\\"Allow\\",\\"Principal\\":\\"*\\",\\"Action\\":\\"s3:GetObject\\"}]}"} | s3-public-policy
        PutBucketPolicy | {"bucketPolicy":{"Statement":[{"Effect":"Allow","Principal":"*","NotAction":"s3:DeleteBucket","Resource":"*"}]}} | s3-public-policy
        PutBucketPolicy | {"bucketPolicy":{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}}]}} | NONE
        PutBucketPolicy | {"bucketPolicy":{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"StringEquals":{"AWS:SourceVpce":"vpce-1"}}}]}} | NONE
        PutBucketPolicy | {"bucketPolicy":{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}} | NONE
        PutBucketPolicy | {"bucketPolicy":{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/app"},"Action":"s3:GetObject"}]}} | NONE
        PutBucketPolicy | {"bucketPolicy":{"Statement":[{"Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject"}]}} | NONE
        PutBucketPolicy | {"bucketPolicy":{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}}]}} | s3-public-policy
        PutBucketPolicy | {"bucketPolicy":{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-abc"}}}]}} | s3-public-policy
        PutBucketPolicy | {"bucketPolicy":{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1"}}}]}} | s3-public-policy
        PutBucketPolicy | {"bucketPolicy":{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"IpAddress":{"aws:SourceIp":["203.0.113.0/24"]}}}]}} | NONE
        PutBucketPolicy | {"bucketPolicy":"not json"} | NONE
        PutBucketPolicy | {"bucketPolicy":"%7B%zz"} | NONE
        PutBucketAcl | {"x-amz-acl":["public-read-write"]} | s3-public-acl
        PutBucketAcl | {"x-amz-acl":"authenticated-read"} | s3-public-acl
        PutBucketAcl | {"x-amz-acl":["private"]} | NONE
        PutBucketAcl | {"x-amz-acl":["log-delivery-write"]} | NONE
        PutBucketAcl | {"AccessControlPolicy":{"AccessControlList":{"Grant":{"Grantee":{"URI":"http://acs.amazonaws.com/groups/global/AuthenticatedUsers"},"Permission":"WRITE"}}}} | s3-public-acl
        PutBucketAcl | {"AccessControlPolicy":{"AccessControlList":{"Grant":[{"Grantee":{"ID":"abc"},"Permission":"FULL_CONTROL"},{"Grantee":{"URI":"http://acs.amazonaws.com/groups/s3/LogDelivery"},"Permission":"WRITE"}]}}} | NONE
        PutBucketAcl | {"x-amz-grant-read":"uri=http://acs.amazonaws.com/groups/global/AllUsers"} | s3-public-acl
        PutBucketPublicAccessBlock | {"PublicAccessBlockConfiguration":{"BlockPublicAcls":true,"IgnorePublicAcls":true,"BlockPublicPolicy":false,"RestrictPublicBuckets":true}} | s3-public-access-block-off
        PutBucketPublicAccessBlock | {"PublicAccessBlockConfiguration":{"BlockPublicAcls":true,"IgnorePublicAcls":true,"BlockPublicPolicy":true,"RestrictPublicBuckets":true}} | NONE
        PutBucketPublicAccessBlock | {"PublicAccessBlockConfiguration":{"BlockPublicAcls":true,"IgnorePublicAcls":true,"BlockPublicPolicy":true}} | s3-public-access-block-off
        PutBucketPublicAccessBlock | {"PublicAccessBlockConfiguration":{"BlockPublicAcls":"true","IgnorePublicAcls":"true","BlockPublicPolicy":"true","RestrictPublicBuckets":"true"}} | NONE
        DeleteBucketPublicAccessBlock | {"bucketName":"b-example"} | s3-public-access-block-off
        DeleteBucketEncryption | {"bucketName":"b-example"} | s3-encryption-removed
        PutBucketEncryption | {"bucketName":"b-example"} | NONE
        """)
    void judges(String eventName, String request, String expected) throws Exception {
        List<Finding> findings = judge(eventName, request);
        if (expected.equals("NONE")) {
            assertThat(findings).isEmpty();
        } else {
            assertThat(findings).singleElement().satisfies(f -> {
                assertThat(f.ruleId()).isEqualTo(expected);
                assertThat(f.family()).isEqualTo(RuleFamily.S3);
                assertThat(f.explanation()).isNotBlank();
            });
        }
    }

    @org.junit.jupiter.api.Test
    void publicReadOrWriteIsCriticalAndABlockRemovedIsHigh() throws Exception {
        assertThat(judge("PutBucketAcl", "{\"x-amz-acl\":[\"public-read\"]}").get(0).severity()).isEqualTo(Severity.CRITICAL);
        assertThat(judge("DeleteBucketPublicAccessBlock", "{}").get(0).severity()).isEqualTo(Severity.HIGH);
        assertThat(judge("DeleteBucketEncryption", "{}").get(0).severity()).isEqualTo(Severity.MEDIUM);
    }
}
