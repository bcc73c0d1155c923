"""The peer: Cloud Custodian's own Lambda entry point, in-process, on Portcullis' security-group event.

Runs with .venv-peer's python (tests/bench/peer/setup.sh), against the local moto emulator:

    python c7n_peer.py --endpoint http://127.0.0.1:PORT --region us-east-1 \
        --event events/cloudtrail/ec2-authorize-ssh-world-console.json --runs 20 --mode warm|cold-one

and prints ONE JSON line on stdout (c7n's own log records go to stderr, as Lambda's runtime would send them
to CloudWatch; --logs off drops them).

What is measured, per run: the time from handing the event to c7n.handler.dispatch_event (the function
c7n's Lambda packaging calls: its generated custodian_policy.run is `return handler.dispatch_event(event,
context)`) to its return. The permission is then checked with DescribeSecurityGroups, outside the timer:
tcp/22 from 0.0.0.0/0 must be gone and tcp/443 from 10.0.0.0/16 kept, else the run is an error (exit 1).

Equivalence with Portcullis: the same event file (the EventBridge envelope, which is what a Lambda target of
an EventBridge rule receives; c7n's CloudTrail mode reads event['detail']['eventName'/'eventSource'] and
the `ids` expression from it), the same emulator, the same rule (tcp/22 open to 0.0.0.0/0), and only the
matched permission removed (remove-permissions, ingress: matched).

Lambda layout reproduced: c7n's PolicyLambda.get_archive writes config.json =
{"execution-options": {...}, "policies": [<policy>]} next to the handler, and dispatch_event opens
'config.json' from the working directory (/var/task in Lambda). This script writes that file, with the
execution options c7n's CLI would serialise (none for a default run), into a temporary task directory and
chdir()s there. Nothing in c7n is patched: boto3/botocore honour AWS_ENDPOINT_URL (botocore >= 1.31), which
covers every client c7n creates, including the STS GetCallerIdentity its cold start makes for the account id.

The fixture (VPC, security group, the rules) is made with plain HTTP calls to moto's EC2 query API rather
than boto3, so that in a fresh process boto3/botocore are first imported and first used by c7n itself and the
cold figures are not flattered by a warm-up the peer did not pay for.

Modes:
  warm      N runs in one process; the first is also reported alone as first_ms (the in-process cold start:
            config.json read, STS account lookup, resource loading, first clients and service models).
  cold-one  exactly one run in this fresh process; also import_ms (import c7n.handler, i.e. Lambda's INIT
            of the handler module) and process_ms: from this script's first line to dispatch_event's return,
            less the fixture's own time (fixture_ms, reported). Interpreter start-up before the script's
            first line is not included; wall-time the process from outside for that.
"""
import time

T0 = time.perf_counter()

import argparse  # noqa: E402
import copy  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import uuid  # noqa: E402
import xml.etree.ElementTree as ET  # noqa: E402

POLICY_NAME = "portcullis-peer-sg-ssh-world"

# The policy a Cloud Custodian user writes for this rule (YAML in practice; the same data as JSON here).
POLICY = {
    "name": POLICY_NAME,
    "resource": "security-group",
    "description": "Revoke tcp/22 opened to the world, only the matched permission",
    "mode": {
        "type": "cloudtrail",
        "events": [{
            "source": "ec2.amazonaws.com",
            "event": "AuthorizeSecurityGroupIngress",
            "ids": "requestParameters.groupId",
        }],
    },
    "filters": [{
        "type": "ingress",
        "Ports": [22],
        "Cidr": {"value": "0.0.0.0/0"},
    }],
    "actions": [{"type": "remove-permissions", "ingress": "matched"}],
}

WORLD = "0.0.0.0/0"
KEPT_CIDR = "10.0.0.0/16"


class PeerError(Exception):
    pass


# ---------------------------------------------------------------- fixture: moto's EC2 query API, stdlib only

class Ec2Query:
    """Just enough of the EC2 query protocol for the fixture. moto does not verify signatures; the
    Authorization header's credential scope is what routes the request to its EC2 backend."""

    def __init__(self, endpoint, region):
        # imported here, after c7n.handler: the module-level imports above stay what c7n would not import
        import urllib.error
        import urllib.parse
        import urllib.request
        self.urllib = urllib
        self.url = endpoint.rstrip("/") + "/"
        self.auth = ("AWS4-HMAC-SHA256 Credential=testing/20260101/%s/ec2/aws4_request, "
                     "SignedHeaders=host, Signature=0" % region)

    def call(self, action, **params):
        urllib = self.urllib
        body = urllib.parse.urlencode(dict(Action=action, Version="2016-11-15", **params)).encode()
        req = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            "Authorization": self.auth})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return ET.fromstring(resp.read())
        except urllib.error.HTTPError as e:
            raise PeerError("fixture %s failed: HTTP %s %s" % (action, e.code, e.read()[:500])) from e

    def text(self, root, tag):
        el = next((e for e in root.iter() if e.tag.rsplit("}", 1)[-1] == tag), None)
        if el is None:
            raise PeerError("fixture: no <%s> in %s" % (tag, ET.tostring(root)[:300]))
        return el.text

    def authorize(self, group_id, port, cidr):
        self.call("AuthorizeSecurityGroupIngress", GroupId=group_id, **{
            "IpPermissions.1.IpProtocol": "tcp",
            "IpPermissions.1.FromPort": str(port),
            "IpPermissions.1.ToPort": str(port),
            "IpPermissions.1.IpRanges.1.CidrIp": cidr,
        })


def make_group(ec2):
    vpc = ec2.text(ec2.call("CreateVpc", CidrBlock="10.0.0.0/16"), "vpcId")
    name = "peer-bench-" + uuid.uuid4().hex[:8]
    group = ec2.text(ec2.call("CreateSecurityGroup", GroupName=name,
                              GroupDescription="c7n peer bench", VpcId=vpc), "groupId")
    ec2.authorize(group, 443, KEPT_CIDR)
    return group


# ---------------------------------------------------------------- the Lambda side

class FakeLambdaContext:
    """What the Python runtime hands a handler; c7n's dispatch_event accepts it and passes it on."""

    def __init__(self, region):
        self.function_name = "custodian-" + POLICY_NAME
        self.function_version = "$LATEST"
        self.invoked_function_arn = "arn:aws:lambda:%s:123456789012:function:%s" % (region, self.function_name)
        self.memory_limit_in_mb = "512"
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = "/aws/lambda/" + self.function_name
        self.log_stream_name = "2026/01/01/[$LATEST]" + uuid.uuid4().hex
        self._deadline = time.monotonic() + 900

    def get_remaining_time_in_millis(self):
        return int((self._deadline - time.monotonic()) * 1000)


def lambda_task_dir():
    """A task root laid out as c7n's PolicyLambda archive lays it out: config.json beside the handler."""
    task = tempfile.mkdtemp(prefix="c7n-peer-task-")
    with open(os.path.join(task, "config.json"), "w") as f:
        # get_exec_options(options) of a default `custodian run` is {} (no log group, tracer, s3 output, metrics)
        json.dump({"execution-options": {}, "policies": [POLICY]}, f, indent=2)
    os.chdir(task)
    return task


def event_for(template, group_id):
    event = copy.deepcopy(template)
    event["id"] = str(uuid.uuid4())
    event["detail"]["requestParameters"]["groupId"] = group_id
    rule_set = (event["detail"].get("responseElements") or {}).get("securityGroupRuleSet") or {}
    for item in rule_set.get("items", []):
        item["groupId"] = group_id
    return event


def verify(client, group_id):
    perms = client.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]["IpPermissions"]
    ranges = {(p.get("IpProtocol"), p.get("FromPort"), p.get("ToPort"), r["CidrIp"])
              for p in perms for r in p.get("IpRanges", [])}
    world_ssh = ("tcp", 22, 22, WORLD) in ranges
    kept = ("tcp", 443, 443, KEPT_CIDR) in ranges
    if world_ssh or not kept:
        raise PeerError("after dispatch_event: tcp/22 from %s %s, tcp/443 from %s %s; permissions: %s" % (
            WORLD, "still present (not revoked)" if world_ssh else "gone",
            KEPT_CIDR, "kept" if kept else "REMOVED (more than matched)", json.dumps(perms)))


def percentile(values, p):
    s = sorted(values)
    if not s:
        return None
    k = (len(s) - 1) * p / 100.0
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--endpoint", required=True, help="the moto emulator, e.g. http://127.0.0.1:PORT")
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("--event", required=True, help="the EventBridge envelope of the CloudTrail event")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--mode", choices=("warm", "cold-one"), default="warm")
    ap.add_argument("--logs", choices=("stderr", "off"), default="stderr",
                    help="where c7n's log records go (Lambda's runtime sends them to CloudWatch)")
    args = ap.parse_args(argv)
    if args.mode == "cold-one":
        args.runs = 1
    if args.runs < 1:
        ap.error("--runs must be at least 1")

    with open(args.event) as f:
        template = json.load(f)

    # The Lambda environment, pointed at the emulator. Nothing may reach real AWS: fake keys, no profile,
    # no instance metadata, and every client's endpoint from AWS_ENDPOINT_URL.
    for k in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
              "C7N_USE_STS_REGIONAL"):
        os.environ.pop(k, None)
    os.environ.update({
        "AWS_ENDPOINT_URL": args.endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": args.region,
        "AWS_REGION": args.region,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_LAMBDA_FUNCTION_NAME": "custodian-" + POLICY_NAME,
    })

    # Lambda's INIT of the handler module (custodian_policy.py does `from c7n import handler`). First, before
    # the fixture's own stdlib HTTP imports, so that nothing c7n needs is imported on its behalf.
    t = time.perf_counter()
    from c7n import handler
    import_ms = (time.perf_counter() - t) * 1000

    fixture_ms = 0.0
    t = time.perf_counter()
    ec2 = Ec2Query(args.endpoint, args.region)
    group_id = make_group(ec2)
    fixture_ms += (time.perf_counter() - t) * 1000
    from c7n.version import version as c7n_version
    if args.logs == "stderr":
        h = logging.StreamHandler(sys.stderr)
        h.setFormatter(logging.Formatter("[%(levelname)s] %(name)s %(message)s"))
        logging.root.addHandler(h)
    else:
        logging.disable(logging.CRITICAL)

    cwd = os.getcwd()
    task = lambda_task_dir()

    runs, errors, t_end = [], [], None
    check = None
    for i in range(args.runs):
        t = time.perf_counter()
        ec2.authorize(group_id, 22, WORLD)
        fixture_ms += (time.perf_counter() - t) * 1000
        event = event_for(template, group_id)
        context = FakeLambdaContext(args.region)

        t = time.perf_counter()
        handler.dispatch_event(event, context)
        t_end = time.perf_counter()
        runs.append((t_end - t) * 1000)

        if check is None:  # boto3 is imported by now (c7n imported it), so this costs the peer nothing
            import boto3
            check = boto3.Session(region_name=args.region).client("ec2")
            if not check.meta.endpoint_url.startswith(args.endpoint.rstrip("/")):
                raise PeerError("botocore did not take AWS_ENDPOINT_URL: %s" % check.meta.endpoint_url)
        try:
            verify(check, group_id)
        except PeerError as e:
            errors.append("run %d: %s" % (i + 1, e))
            # put the group back to the expected state so one failure does not cascade
            try:
                ec2.call("RevokeSecurityGroupIngress", GroupId=group_id, **{
                    "IpPermissions.1.IpProtocol": "tcp", "IpPermissions.1.FromPort": "22",
                    "IpPermissions.1.ToPort": "22", "IpPermissions.1.IpRanges.1.CidrIp": WORLD})
            except PeerError:
                pass
            if args.mode == "cold-one":
                break

    # Where c7n's clients went: the sessions c7n cached (c7n.utils.local_session, per region, thread-local)
    # resolve ec2 and sts to the emulator. (The fake keys would also be refused by real AWS.)
    from c7n import utils as c7n_utils
    endpoints = set()
    for name in [n for n in dir(c7n_utils.CONN_CACHE) if not n.startswith("_")]:
        session = getattr(c7n_utils.CONN_CACHE, name, {}).get("session")
        if session is not None:
            endpoints.update(session.client(svc).meta.endpoint_url for svc in ("ec2", "sts"))
    endpoints = sorted(endpoints)
    if any(not e.startswith(args.endpoint.rstrip("/")) for e in endpoints):
        errors.append("c7n's sessions resolve to endpoints other than the emulator: %s" % endpoints)

    os.chdir(cwd)
    import shutil
    shutil.rmtree(task, ignore_errors=True)

    out = {
        "tool": "cloud-custodian",
        "version": c7n_version,
        "mode": args.mode,
        "runs": [round(r, 3) for r in runs],
        "first_ms": round(runs[0], 3),
        "p50_ms": round(percentile(runs, 50), 3),
        "p95_ms": round(percentile(runs, 95), 3),
        "import_ms": round(import_ms, 3),
        "process_ms": round((t_end - T0) * 1000 - fixture_ms, 3) if args.mode == "cold-one" else None,
        "fixture_ms": round(fixture_ms, 3),
        "revoked": not errors,
        "endpoints": endpoints,
        "event": args.event,
        "python": sys.version.split()[0],
    }
    if errors:
        out["errors"] = errors
    print(json.dumps(out), flush=True)
    return 0 if not errors else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except PeerError as e:
        print(json.dumps({"tool": "cloud-custodian", "revoked": False, "errors": [str(e)]}), flush=True)
        sys.exit(1)
