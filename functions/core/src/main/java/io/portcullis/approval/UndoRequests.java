package io.portcullis.approval;

/** Hands a decided Undo to the playbook worker (in AWS, a message on its step queue). */
@FunctionalInterface
public interface UndoRequests {

    void request(String incidentId, String undoId, String decidedBy);
}
