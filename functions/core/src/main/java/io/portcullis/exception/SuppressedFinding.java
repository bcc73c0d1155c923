package io.portcullis.exception;

import io.portcullis.rule.Finding;

/** A finding an exception suppressed: still recorded and counted in the report. */
public record SuppressedFinding(Finding finding, PolicyException exception) {
}
