package io.portcullis.change;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.portcullis.network.IngressRule;
import java.time.Instant;
import java.util.List;

/**
 * One normalised change, whatever event delivered it.
 *
 * @param eventId      the CloudTrail event id: the key of everything downstream (redeliveries share it)
 * @param eventName    the API call, e.g. {@code AuthorizeSecurityGroupIngress}
 * @param eventSource  the service, e.g. {@code ec2.amazonaws.com}
 * @param eventTime    when the call was made
 * @param actor        who made it
 * @param origin       console, infrastructure-as-code, CLI/SDK, AWS service or unknown
 * @param resource     what it changed
 * @param kind         what sort of change it requested
 * @param rules        the security-group rules it adds or removes (empty for other kinds)
 * @param errorCode    CloudTrail's {@code errorCode} when the call failed, else null: a failed call changed nothing
 * @param request      the call's {@code requestParameters}, as recorded (empty object when absent); rules that need
 *                     more than the normalised fields read it
 * @param response     the call's {@code responseElements}, as recorded (empty object when absent or null): what the
 *                     call created, e.g. {@code accessKey.accessKeyId} of a CreateAccessKey
 */
public record Change(String eventId, String eventName, String eventSource, Instant eventTime, Actor actor,
                     Origin origin, ResourceRef resource, ChangeKind kind, List<IngressRule> rules, String errorCode,
                     JsonNode request, JsonNode response) {

    public Change {
        rules = List.copyOf(rules);
        request = request == null || !request.isObject() ? JsonNodeFactory.instance.objectNode() : request;
        response = response == null || !response.isObject() ? JsonNodeFactory.instance.objectNode() : response;
    }

    /** A change whose response nothing needs (most calls: what they changed is in the request). */
    public Change(String eventId, String eventName, String eventSource, Instant eventTime, Actor actor, Origin origin,
                  ResourceRef resource, ChangeKind kind, List<IngressRule> rules, String errorCode, JsonNode request) {
        this(eventId, eventName, eventSource, eventTime, actor, origin, resource, kind, rules, errorCode, request, null);
    }

    /** The same change with only these rules (e.g. the modified rules that are ingress, per the live group). */
    public Change withRules(List<IngressRule> kept) {
        return new Change(eventId, eventName, eventSource, eventTime, actor, origin, resource, kind, kept, errorCode,
                request, response);
    }

    /**
     * The same change with request parameters completed from the live account (e.g. a policy version's document, or
     * whether a user has an MFA device).
     */
    public Change withRequest(JsonNode completed) {
        return new Change(eventId, eventName, eventSource, eventTime, actor, origin, resource, kind, rules, errorCode,
                completed, response);
    }

    public boolean failed() {
        return errorCode != null && !errorCode.isBlank();
    }
}
