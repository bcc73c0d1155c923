package io.portcullis.inventory;

import io.portcullis.testing.InMemoryLastKnownConfigurations;

/** The fake the unit tests use keeps versions exactly as the DynamoDB store does (DynamoDbInventoryIT). */
class InMemoryLastKnownConfigurationsTest extends LastKnownConfigurationsContract {

    @Override
    protected LastKnownConfigurations store() {
        return new InMemoryLastKnownConfigurations();
    }
}
