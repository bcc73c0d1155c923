"""Starts moto's server with requests handled one at a time.

moto evaluates DynamoDB condition expressions and writes without a lock, so in its default threaded server two
concurrent conditional writes can both succeed, which real DynamoDB never allows. Portcullis' exactly-once
guarantees rest on those conditions, and the end-to-end tests deliver the same event concurrently, so the local
emulator must keep them atomic: serving one request at a time does (werkzeug then speaks HTTP/1.0 and closes each
connection, so no client can hold the server). Step Functions executions still run on moto's own threads.
"""
import sys

import moto.server as server

_run_simple = server.run_simple


def _serialised(*args, **kwargs):
    kwargs["threaded"] = False
    return _run_simple(*args, **kwargs)


server.run_simple = _serialised


def _keep_task_failure_cause():
    """moto 5.2.5 passes only SendTaskFailure's error to the waiting execution and drops its cause, so a caught
    failure reaches the next state as {"Error": ..., "Cause": null}. AWS keeps the cause, and the playbooks' MarkFailed
    step shows it to on-call, so the emulator must keep it too (the fault tests check it). Only the parser backend,
    which runs executions, takes a cause; the recording backend keeps moto's own handler."""
    from moto.core.responses import EmptyResult
    from moto.stepfunctions import responses

    original = responses.StepFunctionResponse.send_task_failure

    def send_task_failure(self):
        backend = self.stepfunction_backend
        if "cause" not in backend.send_task_failure.__code__.co_varnames:
            return original(self)
        backend.send_task_failure(self._get_param("taskToken"), error=self._get_param("error"),
                                  cause=self._get_param("cause"))
        return EmptyResult()

    responses.StepFunctionResponse.send_task_failure = send_task_failure


_keep_task_failure_cause()

if __name__ == "__main__":
    server.main(sys.argv[1:])
