package io.portcullis.aws;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.change.ResourceRef;
import io.portcullis.incident.Incident;
import io.portcullis.playbook.ActionResult;
import io.portcullis.rule.IamPrivilegeRule;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;

/**
 * {@code delete-login-profile}, for {@link IamActions}: the console password of a user without an MFA device (an
 * {@code iam-console-password-without-mfa} finding) deleted. Nothing to do once the user has an MFA device (the
 * password is then allowed) or no password any more. Refuses when the live password is not the one judged (created
 * again since the snapshot: a newer CreateLoginProfile, with its own incident), told by the password's creation date
 * (IAM's; the local emulator reports the user's creation date instead, so there a re-created password looks the same).
 *
 * <p>A deleted password cannot be put back (IAM never returns it), so the fix has no Undo record; its detail says how
 * an administrator gives the user console access again.
 */
final class IamLoginProfiles {

    private final IamClient iam;

    IamLoginProfiles(IamClient iam) {
        this.iam = iam;
    }

    static boolean concerned(Incident incident) {
        return incident.findings().stream().anyMatch(f -> f.remediates(IamPrivilegeRule.ID_PASSWORD_WITHOUT_MFA));
    }

    /** Adds {@code "loginProfile": {"createDate": "…"} | null} and {@code "mfaDevices": n}. */
    void snapshot(ResourceRef r, ObjectNode out) {
        Optional<Instant> created = created(r);
        if (created.isPresent()) {
            out.putObject("loginProfile").put("createDate", created.get().toString());
        } else {
            out.putNull("loginProfile");
        }
        out.put("mfaDevices", mfaDevices(r));
    }

    ActionResult apply(ResourceRef r, Incident incident, ObjectNode snapshot, boolean dryRun) {
        if (!concerned(incident)) {
            return ActionResult.nothingToDo("The incident is not about a console password without MFA, so no password"
                    + " is deleted.");
        }
        int devices = mfaDevices(r);
        if (devices > 0) {
            return ActionResult.nothingToDo("User " + r.id() + " has an MFA device now, so the console password is"
                    + " allowed; nothing to do.");
        }
        Optional<Instant> created = created(r);
        if (created.isEmpty()) {
            return ActionResult.nothingToDo("User " + r.id() + " has no console password any more.");
        }
        String then = snapshot == null ? "" : snapshot.path("loginProfile").path("createDate").asText("");
        if (!then.isEmpty() && !then.equals(created.get().toString())) {
            return ActionResult.refused("The console password of user " + r.id() + " was created again at "
                    + created.get() + ", after the incident was judged (" + then + "); a newer change made it, so it"
                    + " is left as it is.");
        }
        if (dryRun) {
            return ActionResult.wouldChange("Would delete the console password of user " + r.id() + ", who has no MFA"
                    + " device (a deleted password cannot be put back).");
        }
        iam.deleteLoginProfile(d -> d.userName(r.id()));
        // No undo record: IAM never returns a password, so nothing could put this one back.
        return ActionResult.changed("Deleted the console password of user " + r.id() + ", who has no MFA device."
                + " A deleted password cannot be put back, so there is no Undo: to give " + r.id() + " console access"
                + " again, enrol an MFA device for the user, then run aws iam create-login-profile --user-name " + r.id()
                + " --password <a temporary password> --password-reset-required, and hand the password over out of"
                + " band.", null);
    }

    Optional<String> stillWrong(ResourceRef r, Incident incident) {
        if (!concerned(incident) || mfaDevices(r) > 0 || created(r).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("user " + r.id() + " still has a console password and no MFA device");
    }

    private Optional<Instant> created(ResourceRef r) {
        try {
            return Optional.of(iam.getLoginProfile(g -> g.userName(r.id())).loginProfile().createDate());
        } catch (NoSuchEntityException e) {
            return Optional.empty();
        }
    }

    private int mfaDevices(ResourceRef r) {
        int n = 0;
        for (var ignored : iam.listMFADevicesPaginator(l -> l.userName(r.id())).mfaDevices()) {
            n++;
        }
        return n;
    }
}
