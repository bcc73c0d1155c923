package io.portcullis.change;

/** How a change was made. Decided in one place: {@link OriginClassifier}. */
public enum Origin {
    CONSOLE("console", "console"),
    INFRASTRUCTURE_AS_CODE("infrastructure-as-code", "infrastructure-as-code"),
    CLI_SDK("cli-sdk", "CLI/SDK"),
    AWS_SERVICE("aws-service", "AWS service"),
    UNKNOWN("unknown", "unknown");

    private final String key;
    private final String label;

    Origin(String key, String label) {
        this.key = key;
        this.label = label;
    }

    /** The spelling in YAML and JSON output: {@code console}, {@code cli-sdk}, … */
    public String key() {
        return key;
    }

    /** The spelling for people. */
    public String label() {
        return label;
    }
}
