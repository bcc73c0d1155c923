package io.portcullis.remediator;

import io.portcullis.aws.AwsConnection;
import io.portcullis.aws.DynamoDbIncidentStore;
import io.portcullis.aws.Ec2SecurityGroups;
import io.portcullis.aws.FunctionSettings;
import io.portcullis.json.Json;
import io.portcullis.remediation.RemediateIncident;
import java.time.Clock;

/** The remediation function's composition root: builds its clients and use case once per container. */
public final class RemediatorFunction {

    private RemediatorFunction() {
    }

    public static RemediateIncident build(FunctionSettings settings, AwsConnection aws) {
        Ec2SecurityGroups groups = new Ec2SecurityGroups(aws::ec2);
        return new RemediateIncident(
                new DynamoDbIncidentStore(aws.dynamoDb(), settings.requireIncidentsTable(), Json.mapper()),
                groups, groups, Clock.systemUTC(), settings.mode());
    }
}
