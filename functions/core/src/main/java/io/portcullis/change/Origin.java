package io.portcullis.change;

/** How a change was made. Decided in one place: {@link OriginClassifier}. */
public enum Origin {
    CONSOLE("console"),
    INFRASTRUCTURE_AS_CODE("infrastructure-as-code"),
    CLI_SDK("CLI/SDK"),
    AWS_SERVICE("AWS service"),
    UNKNOWN("unknown");

    private final String label;

    Origin(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
