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


def _roll_back_only_the_items_a_transaction_names():
    """moto 5.2.5 backs up every table a TransactWriteItems names with copy.deepcopy (once per item it writes), so a
    transaction costs time in proportion to the whole table: measured here, about 40 ms on an empty table and 330 ms at
    1,000 items, against about 20 ms for a PutItem at either size. The detector writes each repeat with its event id's
    claim in one transaction, so a burst of thousands of repeats would slow down as its own claims pile up, which AWS
    never does. This server handles one request at a time, so keeping only the items the transaction names, and putting
    them back when it is cancelled, is the same rollback. Only moto.dynamodb.models' own use of copy changes: a Table
    is no longer copied there (the transaction's backup is the table itself), everything else is copied as before."""
    import copy
    from moto.dynamodb import models
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    class _CopyButNotTables:
        def __getattr__(self, name):
            return getattr(copy, name)

        @staticmethod
        def deepcopy(value, memo=None):
            return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    models.copy = _CopyButNotTables()
    original = models.DynamoDBBackend.transact_write_items

    def slot(table, op):
        key = op["Item"] if "Item" in op else op.get("Key") or {}
        if table.hash_key_attr not in key:
            return None
        hash_key = DynamoType(key[table.hash_key_attr])
        range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr in key else None
        return hash_key, range_key

    def transact_write_items(self, transact_items):
        saved = []
        for entry in transact_items:
            for op in entry.values():
                table = self.tables.get(op.get("TableName")) if isinstance(op, dict) else None
                where = slot(table, op) if table is not None else None
                if where is None:
                    continue
                hash_key, range_key = where
                current = table.items.get(hash_key)
                if range_key is not None:
                    current = current.get(range_key) if current is not None else None
                saved.append((table, hash_key, range_key, copy.deepcopy(current)))
        try:
            return original(self, transact_items)
        except Exception:
            for table, hash_key, range_key, item in reversed(saved):
                if range_key is None:
                    if item is None:
                        table.items.pop(hash_key, None)
                    else:
                        table.items[hash_key] = item
                elif item is None:
                    table.items.get(hash_key, {}).pop(range_key, None)
                else:
                    table.items[hash_key][range_key] = item
            raise

    models.DynamoDBBackend.transact_write_items = transact_write_items


_roll_back_only_the_items_a_transaction_names()

def _refuse_roles_that_do_not_exist():
    """moto 5.2.5 lets anyone assume any role ARN, whether or not the role exists ("the role does not need to exist"),
    and keeps what the session does in the ARN's account. AWS refuses with AccessDenied when there is no such role,
    and that refusal is how Portcullis learns that a member account has no member stack (the incident then goes to a
    person): so here too AssumeRole into a role its account does not hold is refused. Except
    OrganizationAccountAccessRole: AWS Organizations creates it in every account it creates, so every account of the
    emulator has it (the tests reach a member account through it to set it up, as an administrator would)."""
    from moto.iam.models import iam_backends
    from moto.sts import models
    from moto.sts.exceptions import STSClientError
    from moto.utilities.utils import get_partition

    original = models.STSBackend.assume_role

    def assume_role(self, region_name, role_session_name, role_arn, *args, **kwargs):
        parts = (role_arn or "").split(":")
        account = parts[4] if len(parts) > 5 else ""
        name = parts[5].split("/")[-1] if len(parts) > 5 else ""
        if name != "OrganizationAccountAccessRole":
            roles = iam_backends[account][get_partition(region_name)].roles.values() if account else []
            if not any(role.arn == role_arn for role in roles):
                raise STSClientError("AccessDenied", f"Not authorized to perform: sts:AssumeRole on resource:"
                                     f" {role_arn} (account {account or '?'} holds no such role)")
        return original(self, region_name, role_session_name, role_arn, *args, **kwargs)

    models.STSBackend.assume_role = assume_role


_refuse_roles_that_do_not_exist()

if __name__ == "__main__":
    server.main(sys.argv[1:])
