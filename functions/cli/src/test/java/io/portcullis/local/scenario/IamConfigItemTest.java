package io.portcullis.local.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.json.Json;
import io.portcullis.local.LocalRuntime;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** An IAM identity's state from a Config item, after the change and (from the item's diff) before it. */
class IamConfigItemTest {

    final Path events = LocalRuntime.repositoryRoot().resolve("events/config");

    @Test
    void aRoleOpenedToAnyoneWasTrustedByLambdaAloneBeforeAndKeepsItsPolicies() throws Exception {
        SampleEvent sample = SampleEvent.load(events.resolve("config-item-iam-role-trust-anyone.json"));

        IamConfigItem after = IamConfigItem.after(sample.detail().path("configurationItem"), "role");
        IamConfigItem before = IamConfigItem.before(sample.detail(), "role");

        assertThat(Json.mapper().readTree(after.trust()).path("Statement")).hasSize(2);
        assertThat(Json.mapper().readTree(before.trust()).path("Statement")).hasSize(1);
        assertThat(Json.mapper().readTree(before.trust()).path("Statement").path(0).path("Principal").path("Service")
                .asText()).isEqualTo("lambda.amazonaws.com");
        assertThat(before.attached()).isEqualTo(after.attached()).containsExactly("arn:aws:iam::aws:policy/ReadOnlyAccess");
        assertThat(before.inline()).isEqualTo(after.inline()).containsOnlyKeys("write-exports");
        assertThat(Json.mapper().readTree(after.inline().get("write-exports")).path("Statement").path(0)
                .path("Resource").asText()).isEqualTo("arn:aws:s3:::example-prod-exports/*");
    }

    @Test
    void anInlinePolicyOrAnAttachmentTheDiffCreatedWasNotThereBefore() {
        SampleEvent user = SampleEvent.load(events.resolve("config-item-iam-user-admin-inline.json"));
        SampleEvent group = SampleEvent.load(events.resolve("config-item-iam-group-administrator.json"));

        assertThat(IamConfigItem.after(user.detail().path("configurationItem"), "user").inline()).containsOnlyKeys("everything");
        assertThat(IamConfigItem.before(user.detail(), "user").inline()).isEmpty();
        assertThat(IamConfigItem.before(user.detail(), "user").trust()).isNull();
        assertThat(IamConfigItem.after(group.detail().path("configurationItem"), "group").attached())
                .containsExactly("arn:aws:iam::aws:policy/AdministratorAccess");
        assertThat(IamConfigItem.before(group.detail(), "group").attached()).isEmpty();
    }
}
