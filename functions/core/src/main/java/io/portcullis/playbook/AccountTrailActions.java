package io.portcullis.playbook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.audit.TrailRecord;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.Incident;
import io.portcullis.incident.IncidentStatus;
import io.portcullis.inventory.KnownConfiguration;
import io.portcullis.inventory.LastKnownConfigurations;
import io.portcullis.json.Json;
import io.portcullis.rule.Finding;
import io.portcullis.rule.RuleFamily;
import java.util.List;
import java.util.Optional;

/**
 * AWS Config's audit-logging verdicts about a whole account ({@code cloudtrail-enabled}: no trail logging;
 * {@code multi-region-cloudtrail-enabled}: no multi-region trail). No action creates a trail: its bucket, the bucket's
 * policy and its KMS key decide who can read the account's history, and that is a person's decision. The first
 * remediate step hands the incident to on-call with exactly what to do, naming the trails the inventory last saw in
 * the account (and the commands that recreate them); later steps leave it there.
 */
public final class AccountTrailActions implements ResourceActions {

    private final LastKnownConfigurations inventory;

    public AccountTrailActions(LastKnownConfigurations inventory) {
        this.inventory = inventory;
    }

    @Override
    public boolean handles(Incident incident) {
        return ResourceRef.ACCOUNT.equals(incident.resource().type())
                && incident.findings().stream().anyMatch(f -> f.family() == RuleFamily.AUDIT_LOGGING);
    }

    /** {@code {"knownTrails": [names the inventory last saw in the account and region]}}. */
    @Override
    public ObjectNode snapshot(Incident incident) {
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode names = out.putArray("knownTrails");
        knownTrails(incident).forEach(t -> names.add(t.configuration().path("name").asText(t.resource().id())));
        return out;
    }

    @Override
    public ActionResult apply(RemediationAction action, Incident incident, ObjectNode snapshot, boolean dryRun) {
        if (incident.status() == IncidentStatus.ESCALATED) {
            return ActionResult.nothingToDo("Already in front of a person; " + action.key() + " changes nothing for"
                    + " account " + incident.resource().id() + ".");
        }
        return ActionResult.needsPerson(whatToDo(incident));
    }

    @Override
    public Optional<String> stillWrong(Incident incident) {
        return Optional.of("AWS Config's verdict on account " + incident.resource().id() + " stands until a person has"
                + " a trail logging there; nothing was changed automatically.");
    }

    @Override
    public ActionResult undo(RemediationAction action, Incident incident, JsonNode undo) {
        return ActionResult.nothingToDo("Nothing was changed in account " + incident.resource().id() + ".");
    }

    private String whatToDo(Incident incident) {
        ResourceRef r = incident.resource();
        String rule = incident.findings().stream().map(f -> f.facts().get("configRule")).filter(n -> n != null)
                .findFirst().orElse("");
        String where = "account " + r.id() + " (" + r.region() + ")";
        String problem = switch (rule) {
            case "cloudtrail-enabled" -> "AWS Config finds no CloudTrail trail logging in " + where + ", so API"
                    + " activity there goes unrecorded and Portcullis hears of nothing.";
            case "multi-region-cloudtrail-enabled" -> "AWS Config finds no multi-region trail in " + where
                    + ", so activity in the other regions goes unrecorded.";
            default -> incident.findings().stream().map(Finding::explanation).distinct()
                    .reduce((a, b) -> a + " " + b).orElse("AWS Config judged " + where + " non-compliant.");
        };
        List<KnownConfiguration> known = knownTrails(incident);
        String todo;
        if (known.isEmpty()) {
            todo = " Portcullis' inventory has seen no trail there. Create a multi-region trail that records every"
                    + " management event (read and write) to your log-archive bucket, with log file validation on,"
                    + " and start it: aws cloudtrail create-trail --name <name> --s3-bucket-name <log-archive bucket>"
                    + " --is-multi-region-trail --include-global-service-events --enable-log-file-validation; then"
                    + " aws cloudtrail start-logging --name <name>.";
        } else {
            JsonNode last = known.get(0).configuration();
            String name = last.path("name").asText(known.get(0).resource().id());
            todo = " The trail Portcullis' inventory last saw there is " + TrailRecord.describe(last) + " (seen "
                    + known.get(0).since() + "). If it still exists, start it and make it multi-region again: aws"
                    + " cloudtrail update-trail --name " + name + " --is-multi-region-trail"
                    + " --include-global-service-events; then aws cloudtrail start-logging --name " + name
                    + ". If it was deleted, recreate it: " + TrailRecord.recreateCommands(last) + ".";
        }
        return problem + " Portcullis does not create trails: where the logs go and who can read them is a person's"
                + " decision." + todo;
    }

    private List<KnownConfiguration> knownTrails(Incident incident) {
        return inventory.newest(ResourceRef.TRAIL, incident.resource().account(), incident.resource().region());
    }
}
