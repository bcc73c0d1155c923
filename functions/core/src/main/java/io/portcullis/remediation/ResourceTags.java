package io.portcullis.remediation;

import io.portcullis.change.ResourceRef;
import java.util.Map;

/**
 * Reads a resource's tags (environment, exceptions), live. Empty when the resource has none, no longer exists, or is
 * of a type without tags. Implemented over S3 and IAM in {@code portcullis-aws}.
 */
public interface ResourceTags {

    Map<String, String> tags(ResourceRef resource);

    /** For callers that have no live view (offline evaluation, tests). */
    ResourceTags NONE = resource -> Map.of();
}
