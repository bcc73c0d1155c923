package io.portcullis.playbook;

import io.portcullis.protocol.Protocol;
import io.portcullis.protocol.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Whether a playbook honours every response the protocol can give its family, so the same gate, window and
 * time-out semantics hold for every family:
 * <ul>
 *   <li>auto: a remediate path with no approval gate and no window before it;</li>
 *   <li>approval (approval rows, automatic fixes the blast-radius breaker holds back, and findings no row matches):
 *       an approve step before the first fix, and no window;</li>
 *   <li>scheduled: a wait-for-window step before the first fix, and an approve step before that window unless
 *       every scheduled row of the family approves the fix in advance.</li>
 * </ul>
 * A family's rows are those that name it or no family at all. The check is on structure only: which rows shadow
 * others is not worked out, so a playbook may be asked to honour a row that never decides for its family.
 */
public final class ProtocolCoverage {

    /**
     * One way the playbook cannot honour the protocol.
     *
     * @param pointer JSON Pointer into the playbook file ({@code /steps/2/when}, {@code /steps})
     * @param message what is wrong; what to do
     */
    public record Gap(String pointer, String message) {
    }

    private ProtocolCoverage() {
    }

    public static List<Gap> check(Playbook playbook, Protocol protocol) {
        List<Gap> gaps = new ArrayList<>();
        List<PlaybookStep> steps = playbook.steps();
        String family = playbook.family().key();
        List<Integer> rows = IntStream.range(0, protocol.rows().size())
                .filter(i -> protocol.rows().get(i).covers(playbook.family())).boxed().toList();
        List<Integer> auto = withResponse(protocol, rows, Response.AUTO);
        List<Integer> scheduled = withResponse(protocol, rows, Response.SCHEDULED);
        List<Integer> askFirst = scheduled.stream().filter(i -> !protocol.rows().get(i).approvedInAdvance()).toList();

        // The gate of a scheduled fix closes when the window after it opens: it needs one, whatever the protocol.
        for (int i = 0; i < steps.size(); i++) {
            PlaybookStep s = steps.get(i);
            if (is(s, PlaybookStep.APPROVE) && s.runsFor(Response.SCHEDULED)
                    && firstAfter(steps, i, PlaybookStep.WAIT_FOR_WINDOW, Response.SCHEDULED) < 0) {
                gaps.add(new Gap(whenOf(s, i), "approve step " + s.name() + " runs for scheduled, but no"
                        + " wait-for-window step after it does, and a scheduled fix's approval stays open until the"
                        + " window opens; add a wait-for-window step with when: [scheduled] after it"));
            }
        }

        if (!auto.isEmpty()) {
            String why = rowList(protocol, auto);
            int fix = firstAfter(steps, -1, PlaybookStep.REMEDIATE, Response.AUTO);
            if (fix < 0) {
                gaps.add(noFix(family, Response.AUTO, why));
            } else {
                for (int i = 0; i < fix; i++) {
                    PlaybookStep s = steps.get(i);
                    if ((is(s, PlaybookStep.APPROVE) || is(s, PlaybookStep.WAIT_FOR_WINDOW)) && s.runsFor(Response.AUTO)) {
                        gaps.add(new Gap(whenOf(s, i), s.type() + " step " + s.name() + " runs for auto, but the"
                                + " protocol remediates " + family + " findings at once (" + why + "), and an automatic"
                                + " fix must not wait for a person or a window; give it when: without auto"));
                    }
                }
            }
        }

        List<Integer> approval = withResponse(protocol, rows, Response.APPROVAL);
        String approvalWhy = (approval.isEmpty() ? "" : rowList(protocol, approval) + "; ")
                + (auto.isEmpty() ? "" : "automatic fixes the blast-radius breaker holds back; ")
                + "findings no row matches";
        int approvalFix = firstAfter(steps, -1, PlaybookStep.REMEDIATE, Response.APPROVAL);
        if (approvalFix < 0) {
            gaps.add(noFix(family, Response.APPROVAL, approvalWhy));
        } else {
            int gate = firstAfter(steps, -1, PlaybookStep.APPROVE, Response.APPROVAL);
            if (gate < 0 || gate > approvalFix) {
                gaps.add(new Gap("/steps", "the protocol sends " + family + " findings to on-call for approval ("
                        + approvalWhy + "), but no approve step runs for approval before remediate step "
                        + steps.get(approvalFix).name() + "; add an approve step with when: [approval, scheduled]"
                        + " before it"));
            }
            for (int i = 0; i < approvalFix; i++) {
                PlaybookStep s = steps.get(i);
                if (is(s, PlaybookStep.WAIT_FOR_WINDOW) && s.runsFor(Response.APPROVAL)) {
                    gaps.add(new Gap(whenOf(s, i), "wait-for-window step " + s.name() + " runs for approval, but an"
                            + " approved fix runs at once (the protocol gives approval a time limit, not a window);"
                            + " give it when: [scheduled]"));
                }
            }
        }

        if (!scheduled.isEmpty()) {
            String why = rowList(protocol, scheduled);
            int fix = firstAfter(steps, -1, PlaybookStep.REMEDIATE, Response.SCHEDULED);
            if (fix < 0) {
                gaps.add(noFix(family, Response.SCHEDULED, why));
            } else {
                int window = firstAfter(steps, -1, PlaybookStep.WAIT_FOR_WINDOW, Response.SCHEDULED);
                if (window < 0 || window > fix) {
                    gaps.add(new Gap("/steps", "the protocol schedules " + family + " fixes for the low-tide window ("
                            + why + "), but no wait-for-window step runs for scheduled before remediate step "
                            + steps.get(fix).name() + "; add one with when: [scheduled] before it"));
                }
                int gate = firstAfter(steps, -1, PlaybookStep.APPROVE, Response.SCHEDULED);
                if (!askFirst.isEmpty() && (gate < 0 || gate > fix)) {
                    gaps.add(new Gap("/steps", "the protocol asks on-call before a scheduled " + family + " fix ("
                            + rowList(protocol, askFirst) + "), but no approve step runs for scheduled before remediate"
                            + " step " + steps.get(fix).name() + "; add scheduled to the approve step's when, or set"
                            + " approval.inAdvance: true on those rows of the protocol"));
                }
            }
        }
        return gaps;
    }

    private static boolean is(PlaybookStep step, String type) {
        return type.equals(step.type());
    }

    /** The index of the first step after {@code from} of this type that runs for the response, or -1. */
    private static int firstAfter(List<PlaybookStep> steps, int from, String type, Response response) {
        for (int i = from + 1; i < steps.size(); i++) {
            if (is(steps.get(i), type) && steps.get(i).runsFor(response)) {
                return i;
            }
        }
        return -1;
    }

    private static String whenOf(PlaybookStep step, int index) {
        return "/steps/" + index + (step.when().isEmpty() ? "" : "/when");
    }

    private static Gap noFix(String family, Response response, String why) {
        return new Gap("/steps", "the protocol answers " + family + " findings with " + response.label() + " (" + why
                + "), but no remediate step runs for " + response.label() + "; add " + response.label()
                + " to a remediate step's when, or remove its when");
    }

    private static List<Integer> withResponse(Protocol protocol, List<Integer> rows, Response response) {
        return rows.stream().filter(i -> protocol.rows().get(i).response() == response).toList();
    }

    /** "row 2 'critical, …'" or "rows 7 'high, non-production', 8 'medium'", numbered from 1 as in the README. */
    private static String rowList(Protocol protocol, List<Integer> rows) {
        List<String> named = rows.stream().map(i -> (i + 1) + " '" + protocol.rows().get(i).name() + "'").toList();
        return (rows.size() == 1 ? "row " : "rows ") + String.join(", ", named);
    }
}
