package io.portcullis.aws;

import io.portcullis.inventory.LastKnownConfigurations;
import java.util.Map;

/**
 * The inventory's environment variable (listed with all the others in {@link FunctionSettings}):
 *
 * <pre>
 * PORTCULLIS_INVENTORY_TABLE   the inventory table: last known configurations   (watchdog, remediator)   no inventory when unset
 * </pre>
 *
 * <p>Unset, the watchdog takes no inventory and the remediator knows no configuration from before a change
 * ({@link LastKnownConfigurations#NONE}): its actions then hand what they cannot restore to a person.
 */
public record InventorySettings(String table) {

    public static final String INVENTORY_TABLE = "PORTCULLIS_INVENTORY_TABLE";

    public static InventorySettings fromEnvironment(Map<String, String> env) {
        String table = env.get(INVENTORY_TABLE);
        return new InventorySettings(table == null || table.isBlank() ? null : table.trim());
    }

    public boolean enabled() {
        return table != null;
    }

    /** The store in the table, or {@link LastKnownConfigurations#NONE} when no table is set. */
    public LastKnownConfigurations store(AwsConnection aws) {
        return enabled() ? new DynamoDbInventory(aws::dynamoDb, table) : LastKnownConfigurations.NONE;
    }
}
