package io.portcullis.rule;

import io.portcullis.change.Change;
import java.util.List;

/** A policy check over one normalised change. Pure: no I/O. */
public interface Rule {

    /** A stable id, used in incidents, exceptions and reports. */
    String id();

    List<Finding> evaluate(Change change);

    /** Every rule id this rule's findings carry: what exceptions and reports may name. */
    java.util.Set<String> findingIds();
}
