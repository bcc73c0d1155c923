"""The deployment check: template.yaml deploys as the README says, into LocalStack's CloudFormation.

Run by `./portcullis deploy-check` (and as the last stage of `./portcullis test`) with the .venv's Python, against a
LocalStack that tests/emulator/localstack.sh started (its environment: AWS_ENDPOINT_URL is LocalStack,
AWS_ENDPOINT_URL_DYNAMODB is moto). What it does, as `sam deploy` and CloudFormation would:

1. `sam package`: uploads functions/*/target/*.zip and the compiled state machines to an S3 bucket in LocalStack.
2. Runs the SAM transform (aws-sam-translator, the one the SAM CLI uses) on the packaged template with the stack's
   parameter values, as CloudFormation does for every change set, and creates the stack from the result. It must
   reach CREATE_COMPLETE with nothing but the HTTP API's resources (API Gateway v2, not in LocalStack's free edition)
   "deployed as a fallback", and every function's `live` alias must serve a published version.
3. Creates a second stack with another name beside it, in the same account and region.
4. Changes one parameter of the first stack, RemediationMode from dry-run to enforce, translating again with the new
   value, and proves that each function's `live` alias now serves a new version whose configuration says enforce.
5. Creates a member stack from the same packaged template (DeploymentRole=member, its hub the first stack, as if in
   another region so that it forwards): exactly the member's resources, none of the hub's, and its role trusting the
   hub's worker role.

Every step prints what it checked and how long it took; a failure names the resource and LocalStack's reason, and
exits 1. Afterwards it removes the DynamoDB tables the stacks created in moto (the incidents and approvals tables are
retained on stack deletion, as in AWS), and with --delete-stacks the stacks and the bucket too (for a LocalStack that
keeps running).
"""

import copy
import json
import logging
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from samcli.yamlhelper import yaml_parse
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"
SAM = ROOT / ".venv" / "bin" / "sam"
REGION = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"

# Obviously fake Slack settings: no function runs here (LocalStack has no Docker to run them in).
PARAMETERS = {
    "SlackSecretArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:portcullis/slack-AbCdEf",
    "SlackChannelId": "C0DEPLOYCHK",
    "RemediationMode": "dry-run",
}
# API Gateway v2 is a paid LocalStack feature; its CloudFormation deploys those resources as empty placeholders.
FALLBACK_ALLOWED = "AWS::ApiGatewayV2::"
FALLBACK_MARK = "deployed as a fallback"
CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"]
STACK_TIMEOUT_SECONDS = 300


class CheckFailed(Exception):
    pass


def say(message):
    print(f"deploy-check: {message}", flush=True)


class Deployment:
    def __init__(self, run_id):
        session = boto3.Session(region_name=REGION)
        self.session = session
        self.cfn = session.client("cloudformation")
        self.lam = session.client("lambda")
        self.s3 = session.client("s3")
        self.dynamodb = session.client("dynamodb")
        self.bucket = f"portcullis-deploy-check-{run_id}"
        self.created_stacks = []

    def package(self, workdir):
        for function, path in code_uris().items():
            if not (ROOT / path).is_file():
                raise CheckFailed(f"{path} (CodeUri of {function}) is missing: run ./portcullis build first")
        self.s3.create_bucket(Bucket=self.bucket)
        packaged = workdir / "packaged.yaml"
        command = [str(SAM), "package", "--template-file", str(TEMPLATE), "--s3-bucket", self.bucket,
                   "--output-template-file", str(packaged), "--no-progressbar"]
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                                env=dict(os.environ, SAM_CLI_TELEMETRY="0", AWS_DEFAULT_REGION=REGION))
        if result.returncode != 0:
            raise CheckFailed(f"sam package failed (exit {result.returncode}):\n{result.stdout}{result.stderr}")
        return yaml_parse(packaged.read_text())

    def template_url(self, stack, packaged, parameters):
        """The translated template, uploaded beside the packages: CloudFormation takes at most 51,200 bytes inline
        (TemplateBody), and the transformed template is larger, so it goes by TemplateURL as `sam deploy` sends it."""
        key = f"templates/{stack}-{secrets.token_hex(4)}.json"
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=self.translate(packaged, parameters).encode("utf-8"))
        return f"{self.s3.meta.endpoint_url}/{self.bucket}/{key}"

    def translate(self, packaged, parameters):
        translator = Translator(None, Parser(), boto_session=self.session)
        try:
            template = translator.translate(copy.deepcopy(packaged), dict(parameters),
                                            get_managed_policy_map=lambda: {})
        except Exception as e:  # the translator's errors name the resource and property
            raise CheckFailed(f"the SAM transform refused the template: {e}") from e
        finally:
            translator.metrics.publish()
        return json.dumps(template)

    def create(self, stack, packaged, parameters):
        self.created_stacks.append(stack)
        self.cfn.create_stack(StackName=stack, TemplateURL=self.template_url(stack, packaged, parameters),
                              Parameters=as_parameters(parameters), Capabilities=CAPABILITIES)
        self.wait(stack, "CREATE_COMPLETE", earlier=set())
        resources = self.cfn.describe_stack_resources(StackName=stack)["StackResources"]
        fallbacks = sorted({(e["LogicalResourceId"], e["ResourceType"]) for e in self.events(stack)
                            if FALLBACK_MARK in (e.get("ResourceStatusReason") or "")})
        unexpected = [f"{name} ({kind})" for name, kind in fallbacks if not kind.startswith(FALLBACK_ALLOWED)]
        if unexpected:
            raise CheckFailed(f"stack {stack}: LocalStack has no provider for, and only pretended to create: "
                              + ", ".join(unexpected))
        return resources, fallbacks

    def update(self, stack, packaged, parameters):
        earlier = {e["EventId"] for e in self.events(stack)}
        self.cfn.update_stack(StackName=stack, TemplateURL=self.template_url(stack, packaged, parameters),
                              Parameters=as_parameters(parameters), Capabilities=CAPABILITIES)
        self.wait(stack, "UPDATE_COMPLETE", earlier)

    def wait(self, stack, wanted, earlier):
        """Until the stack settles; then it must be `wanted`, and no resource may have failed since `earlier`."""
        deadline = time.monotonic() + STACK_TIMEOUT_SECONDS
        while True:
            status = self.cfn.describe_stacks(StackName=stack)["Stacks"][0]
            if not status["StackStatus"].endswith("_IN_PROGRESS"):
                break
            if time.monotonic() > deadline:
                raise CheckFailed(f"stack {stack}: still {status['StackStatus']} after {STACK_TIMEOUT_SECONDS} s")
            time.sleep(0.5)
        failures = [e for e in reversed(self.events(stack)) if e["EventId"] not in earlier
                    and e["ResourceStatus"].endswith("_FAILED") and e["LogicalResourceId"] != stack]
        if status["StackStatus"] != wanted or failures:
            # LocalStack 4.14 may report a failed update's rollback as UPDATE_COMPLETE: the events tell the truth.
            lines = [f"  {e['LogicalResourceId']} ({e['ResourceType']}): {e['ResourceStatus']}: "
                     f"{e.get('ResourceStatusReason') or 'no reason given'}" for e in failures]
            reason = status.get("StackStatusReason")
            raise CheckFailed(f"stack {stack}: {status['StackStatus']}, expected {wanted}"
                              + (f" ({reason})" if reason else "") + (":\n" + "\n".join(lines) if lines else ""))

    def events(self, stack):
        return [e for page in self.cfn.get_paginator("describe_stack_events").paginate(StackName=stack)
                for e in page["StackEvents"]]

    def live(self, stack):
        """Each function's `live` alias: the version it serves and that version's PORTCULLIS_REMEDIATION_MODE."""
        out = {}
        for r in self.cfn.describe_stack_resources(StackName=stack)["StackResources"]:
            if r["ResourceType"] != "AWS::Lambda::Function":
                continue
            name = r["PhysicalResourceId"]
            version = self.lam.get_alias(FunctionName=name, Name="live")["FunctionVersion"]
            try:
                config = self.lam.get_function_configuration(FunctionName=name, Qualifier=version)
            except self.lam.exceptions.ResourceNotFoundException:
                raise CheckFailed(f"stack {stack}: {r['LogicalResourceId']}'s live alias points at version {version}, "
                                  "which no longer exists") from None
            mode = config.get("Environment", {}).get("Variables", {}).get("PORTCULLIS_REMEDIATION_MODE")
            out[r["LogicalResourceId"]] = (version, mode)
        if len(out) != len(code_uris()):
            raise CheckFailed(f"stack {stack}: {len(out)} functions, the template declares {len(code_uris())}")
        return out

    def output(self, stack, key):
        outputs = self.cfn.describe_stacks(StackName=stack)["Stacks"][0].get("Outputs", [])
        return next((o["OutputValue"] for o in outputs if o["OutputKey"] == key), None)

    def clean_up(self, delete_stacks):
        """What the check made. The incidents and approvals tables and the reports bucket outlive their stack
        (DeletionPolicy Retain, as in AWS), so they go by name: CloudFormation names them after the stack."""
        def made_here(name):
            return any(name.lower().startswith(stack.lower() + "-") for stack in self.created_stacks)

        if delete_stacks:
            for stack in self.created_stacks:
                try:
                    self.cfn.delete_stack(StackName=stack)
                    self.cfn.get_waiter("stack_delete_complete").wait(
                        StackName=stack, WaiterConfig={"Delay": 1, "MaxAttempts": 120})
                except Exception as e:
                    say(f"could not delete stack {stack}: {e}")
            try:
                for bucket in [b["Name"] for b in self.s3.list_buckets()["Buckets"]]:
                    if bucket == self.bucket or made_here(bucket):
                        for o in self.s3.list_object_versions(Bucket=bucket).get("Versions", []):
                            self.s3.delete_object(Bucket=bucket, Key=o["Key"], VersionId=o["VersionId"])
                        self.s3.delete_bucket(Bucket=bucket)
            except Exception as e:
                say(f"could not delete the check's buckets: {e}")
        try:
            for table in self.dynamodb.list_tables()["TableNames"]:
                if made_here(table):
                    self.dynamodb.delete_table(TableName=table)
        except Exception as e:
            say(f"could not delete the stacks' DynamoDB tables in moto: {e}")


def code_uris():
    resources = yaml_parse(TEMPLATE.read_text())["Resources"]
    return {name: r["Properties"]["CodeUri"] for name, r in resources.items()
            if r["Type"] == "AWS::Serverless::Function"}


def as_parameters(parameters):
    return [{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()]


def timed(started):
    return f"{time.monotonic() - started:.1f} s"


# What a member stack holds (OrganisationTemplateTest checks the same in the transformed template).
MEMBER_RESOURCES = {"MemberRemediationRole", "MemberBoundary", "EventForwardingRole", "ForwardingDeadLetterQueue",
                    "ForwardingDeadLetterQueuePolicy", "ForwardSecurityGroupChanges", "ForwardAuditLoggingChanges",
                    "ForwardIamPrivilegeChanges", "ForwardConfigDrift", "ForwardS3ExposureChanges"}


def check_member(deployment, run_id, packaged, hub):
    """A member stack beside the hub, its hub the first stack: in the hub's account, as if the hub were in another
    region (in the hub's own region a member forwards nothing)."""
    member = f"portcullis-member-{run_id}"
    worker = deployment.output(hub, "RemediatorRoleArn")
    account = deployment.session.client("sts").get_caller_identity()["Account"]
    role_name = f"portcullis-remediation-{run_id}"
    parameters = {"DeploymentRole": "member", "OrganizationId": "o-a1b2c3d4e5", "HubAccountId": account,
                  "HubRegion": "eu-west-1" if REGION != "eu-west-1" else "eu-central-1", "HubWorkerRoleArn": worker,
                  "MemberRoleName": role_name, "MemberRoleRegion": REGION}
    started = time.monotonic()
    resources, _ = deployment.create(member, packaged, parameters)
    created = {r["LogicalResourceId"] for r in resources}
    if created != MEMBER_RESOURCES:
        raise CheckFailed(f"stack {member}: the member stack holds {sorted(created)}, expected {sorted(MEMBER_RESOURCES)}"
                          f" (missing: {sorted(MEMBER_RESOURCES - created)}, not a member's: "
                          f"{sorted(created - MEMBER_RESOURCES)})")
    trust = deployment.session.client("iam").get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"]
    if isinstance(trust, str):
        trust = json.loads(trust)
    if worker not in json.dumps(trust):
        raise CheckFailed(f"stack {member}: role {role_name} does not trust the hub's worker {worker}: {trust}")
    say(f"stack {member} (DeploymentRole=member, hub {hub}): CREATE_COMPLETE with the member's {len(created)} resources "
        f"and nothing of the hub's; role {role_name} trusts {worker} ({timed(started)})")


def check(deployment, run_id):
    first, beside = f"portcullis-check-{run_id}", f"portcullis-beside-{run_id}"
    with tempfile.TemporaryDirectory(prefix="portcullis-deploy-check-") as workdir:
        started = time.monotonic()
        packaged = deployment.package(Path(workdir))
    say(f"sam package: {len(code_uris())} function packages and the state machines uploaded to "
        f"s3://{deployment.bucket} ({timed(started)})")

    started = time.monotonic()
    resources, fallbacks = deployment.create(first, packaged, PARAMETERS)
    say(f"stack {first}: CREATE_COMPLETE with RemediationMode=dry-run, {len(resources)} resources; deployed as a "
        f"fallback (no provider in LocalStack's free edition): "
        + (", ".join(f"{name} ({kind})" for name, kind in fallbacks) or "none") + f" ({timed(started)})")
    before = deployment.live(first)
    for function, (version, mode) in before.items():
        if version == "$LATEST" or mode != "dry-run":
            raise CheckFailed(f"stack {first}: {function}'s live alias serves version {version} with "
                              f"PORTCULLIS_REMEDIATION_MODE={mode}, expected a published version in dry-run")
    say("every function's live alias serves a published version in dry-run: "
        + ", ".join(f"{f} {v}" for f, (v, _) in sorted(before.items())))

    started = time.monotonic()
    resources, _ = deployment.create(beside, packaged, PARAMETERS)
    schedules = sorted(r["PhysicalResourceId"] for r in resources if r["ResourceType"] == "AWS::Scheduler::Schedule")
    say(f"stack {beside} beside it in the same account and region: CREATE_COMPLETE, its own schedules "
        f"{', '.join(schedules)} ({timed(started)})")

    started = time.monotonic()
    deployment.update(first, packaged, dict(PARAMETERS, RemediationMode="enforce"))
    after = deployment.live(first)
    for function, (version, mode) in after.items():
        old_version, old_mode = before[function]
        if version == old_version or mode != "enforce":
            raise CheckFailed(f"stack {first}: RemediationMode dry-run -> enforce updated the stack, but "
                              f"{function}'s live alias serves version {version} with "
                              f"PORTCULLIS_REMEDIATION_MODE={mode} (before: version {old_version}, {old_mode}): "
                              "a parameter-only change published no version the alias serves")
    in_effect = deployment.output(first, "RemediationModeInEffect")
    if in_effect != "enforce":
        raise CheckFailed(f"stack {first}: output RemediationModeInEffect is {in_effect} after the update")
    say(f"stack {first}: RemediationMode dry-run -> enforce and nothing else: UPDATE_COMPLETE; every live alias "
        "moved to a new version in enforce: "
        + ", ".join(f"{f} {before[f][0]}->{v}" for f, (v, _) in sorted(after.items())) + f" ({timed(started)})")

    check_member(deployment, run_id, packaged, first)


def main():
    logging.getLogger("samtranslator").setLevel(logging.ERROR)
    delete_stacks = "--delete-stacks" in sys.argv[1:]
    started = time.monotonic()
    run_id = secrets.token_hex(3)
    deployment = Deployment(run_id)
    try:
        check(deployment, run_id)
    except CheckFailed as e:
        say(f"FAILED: {e}")
        return 1
    except (BotoCoreError, ClientError) as e:
        say(f"FAILED: LocalStack ({os.environ.get('AWS_ENDPOINT_URL')}) answered: {e}")
        return 1
    finally:
        deployment.clean_up(delete_stacks)
    say(f"passed: the template deploys, twice side by side, and a parameter-only switch to enforce is served by "
        f"the live aliases; as a member it deploys the member's resources only ({timed(started)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
