package io.portcullis.aws;

import static io.portcullis.aws.S3Resources.has;
import static io.portcullis.aws.S3Resources.isAccount;
import static io.portcullis.aws.S3Resources.owner;
import static io.portcullis.aws.S3Resources.plural;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.Incident;
import io.portcullis.json.Json;
import io.portcullis.playbook.ActionResult;
import io.portcullis.rule.S3ExposureRule;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.services.s3.model.GetBucketAclResponse;
import software.amazon.awssdk.services.s3.model.Grant;
import software.amazon.awssdk.services.s3.model.Grantee;
import software.amazon.awssdk.services.s3.model.Type;

/**
 * {@code remove-public-acl-grants} ({@code s3-public-acl}), for {@link S3BucketActions}: removes from a bucket's ACL
 * only the AllUsers and AuthenticatedUsers grants, keeping the owner's and every other grant. Refuses when such a
 * grant is there that the snapshot did not record (a newer change).
 *
 * <p>Snapshot entry and both sides of the Undo record ({@code "before"}, {@code "after"}): {@code {"owner": id,
 * "grants": [{"type", "id", "uri", "email", "permission"}…]}}.
 */
final class BucketAclGrants {

    static final String ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
    static final String AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

    private final S3Resources s3;

    BucketAclGrants(S3Resources s3) {
        this.s3 = s3;
    }

    /** The snapshot entry: the ACL as it is. */
    ObjectNode snapshot(ResourceRef r) {
        return aclNode(s3.client(r).getBucketAcl(a -> a.bucket(r.id()).expectedBucketOwner(owner(r))));
    }

    ActionResult remove(Incident incident, ObjectNode snapshot, boolean dryRun) {
        ResourceRef r = incident.resource();
        if (isAccount(r) || !has(incident, S3ExposureRule.ID_PUBLIC_ACL)) {
            return ActionResult.nothingToDo("The incident has no finding about a public ACL on " + r.id()
                    + ", so the ACL is left as it is.");
        }
        GetBucketAclResponse acl = s3.client(r).getBucketAcl(a -> a.bucket(r.id()).expectedBucketOwner(owner(r)));
        List<Grant> open = publicGrants(acl.grants());
        if (open.isEmpty()) {
            return ActionResult.nothingToDo("The ACL of bucket " + r.id() + " no longer grants anything to AllUsers"
                    + " or AuthenticatedUsers.");
        }
        if (snapshot != null && snapshot.has("acl")) {
            Set<String> judged = new LinkedHashSet<>();
            snapshot.path("acl").path("grants").forEach(g -> judged.add(g.path("uri").asText("") + " "
                    + g.path("permission").asText("")));
            List<Grant> unjudged = open.stream().filter(g -> !judged.contains(g.grantee().uri() + " "
                    + g.permissionAsString())).toList();
            if (!unjudged.isEmpty()) {
                return ActionResult.refused("The ACL of bucket " + r.id() + " now grants " + describeGrants(unjudged)
                        + ", which it did not when the incident was judged; a newer change made it, so the ACL is"
                        + " left as it is.");
            }
        }
        List<Grant> kept = acl.grants().stream().filter(g -> !open.contains(g)).toList();
        String what = describeGrants(open) + " from the ACL of bucket " + r.id() + ", keeping "
                + plural(kept.size(), "other grant");
        if (dryRun) {
            return ActionResult.wouldChange("Would remove " + what + ".");
        }
        // The grant list, not a canned ACL: a canned ACL is a body-less PUT, which the JDK URL-connection client
        // sends without the Content-Length the local emulator requires; the grant list also keeps other grants.
        s3.client(r).putBucketAcl(p -> p.bucket(r.id()).expectedBucketOwner(owner(r))
                .accessControlPolicy(acp -> acp.owner(acl.owner()).grants(kept)));
        ObjectNode undo = Json.mapper().createObjectNode();
        undo.set("before", aclNode(acl));
        undo.set("after", aclNode(GetBucketAclResponse.builder().owner(acl.owner()).grants(kept).build()));
        return ActionResult.changed("Removed " + what + ".", undo);
    }

    /** What the ACL still grants AllUsers or AuthenticatedUsers, when the incident is about a public ACL. */
    Optional<String> stillOpen(Incident incident) {
        ResourceRef r = incident.resource();
        if (isAccount(r) || !has(incident, S3ExposureRule.ID_PUBLIC_ACL)) {
            return Optional.empty();
        }
        List<Grant> open = publicGrants(s3.client(r).getBucketAcl(a -> a.bucket(r.id()).expectedBucketOwner(owner(r)))
                .grants());
        return open.isEmpty() ? Optional.empty()
                : Optional.of("the ACL of bucket " + r.id() + " still grants " + describeGrants(open));
    }

    /** Undo: the ACL's grants as they were before the fix, only while they are still what the fix left. */
    ActionResult undo(ResourceRef r, JsonNode undo) {
        GetBucketAclResponse live = s3.client(r).getBucketAcl(a -> a.bucket(r.id()).expectedBucketOwner(owner(r)));
        Set<String> now = grantKeys(aclNode(live));
        if (now.equals(grantKeys(undo.path("before")))) {
            return ActionResult.nothingToDo("The ACL of bucket " + r.id() + " is already as it was before the fix.");
        }
        if (!now.equals(grantKeys(undo.path("after")))) {
            return ActionResult.refused("The ACL of bucket " + r.id() + " has changed since the fix, so it is left as"
                    + " it is.");
        }
        List<Grant> grants = new ArrayList<>();
        for (JsonNode g : undo.path("before").path("grants")) {
            var grantee = Grantee.builder().type(g.path("type").asText())
                    .id(g.path("id").asText(null)).uri(g.path("uri").asText(null))
                    .emailAddress(g.path("email").asText(null)).build();
            grants.add(Grant.builder().grantee(grantee).permission(g.path("permission").asText()).build());
        }
        s3.client(r).putBucketAcl(p -> p.bucket(r.id()).expectedBucketOwner(owner(r))
                .accessControlPolicy(acp -> acp.owner(live.owner()).grants(grants)));
        return ActionResult.changed("Put the ACL of bucket " + r.id() + " back as it was before the fix ("
                + plural(grants.size(), "grant") + ").");
    }

    private static List<Grant> publicGrants(List<Grant> grants) {
        return grants.stream().filter(g -> g.grantee() != null && g.grantee().type() == Type.GROUP
                && (ALL_USERS.equals(g.grantee().uri()) || AUTHENTICATED_USERS.equals(g.grantee().uri()))).toList();
    }

    private static ObjectNode aclNode(GetBucketAclResponse acl) {
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("owner", acl.owner() == null ? null : acl.owner().id());
        ArrayNode grants = out.putArray("grants");
        for (Grant g : acl.grants()) {
            ObjectNode n = grants.addObject();
            n.put("type", g.grantee() == null ? null : g.grantee().typeAsString());
            n.put("id", g.grantee() == null ? null : g.grantee().id());
            n.put("uri", g.grantee() == null ? null : g.grantee().uri());
            n.put("email", g.grantee() == null ? null : g.grantee().emailAddress());
            n.put("permission", g.permissionAsString());
        }
        return out;
    }

    private static String describeGrants(List<Grant> grants) {
        List<String> parts = new ArrayList<>();
        for (Grant g : grants) {
            String who = ALL_USERS.equals(g.grantee().uri()) ? "AllUsers" : "AuthenticatedUsers";
            parts.add(g.permissionAsString() + " to " + who);
        }
        return String.join(", ", parts);
    }

    private static Set<String> grantKeys(JsonNode acl) {
        Set<String> out = new TreeSet<>();
        acl.path("grants").forEach(g -> out.add(g.path("type").asText("") + "|" + g.path("id").asText("") + "|"
                + g.path("uri").asText("") + "|" + g.path("email").asText("") + "|" + g.path("permission").asText("")));
        return out;
    }
}
