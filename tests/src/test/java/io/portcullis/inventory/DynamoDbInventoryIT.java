package io.portcullis.inventory;

import io.portcullis.aws.DynamoDbInventory;
import io.portcullis.local.Emulator;
import io.portcullis.local.LocalDeployment;
import io.portcullis.local.LocalRuntime;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The DynamoDB store keeps versions by the same rules as the in-memory fake the unit tests use: the shared contract,
 * against the template's inventory table in the emulator (conditional transactions included).
 */
class DynamoDbInventoryIT extends LastKnownConfigurationsContract {

    static final DynamoDbClient DYNAMO_DB = Emulator.connection().dynamoDb();
    static final String TABLE = LocalDeployment.createTable(LocalRuntime.repositoryRoot().resolve("template.yaml"),
            DYNAMO_DB, "InventoryTable", "portcullis-inventory-it-" + UUID.randomUUID().toString().substring(0, 8));

    @Override
    protected LastKnownConfigurations store() {
        return new DynamoDbInventory(() -> DYNAMO_DB, TABLE);
    }
}
