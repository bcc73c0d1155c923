"""Prints template.yaml as CloudFormation receives it: the SAM transform applied, as `sam deploy` would.

Used by the template tests (TransformedTemplate.java) through the repository's .venv, offline: the code and state
machine locations are replaced by S3 URIs (as `sam package` would upload them), the parameter values come from the
command line as JSON, and no AWS call is made (no managed policy is looked up; the template names none).

The translator leaves every resource's `Condition:` to CloudFormation (it copies a serverless resource's condition to
the resources it generates), so the output still holds the hub's and the member's resources alike. For one stack
(`DeploymentRole` hub or member, in one account and region) this helper then does what CloudFormation does at
create time: it evaluates the template's Conditions for these parameter values and that account and region, and
drops every resource and output whose condition is false. The tests therefore see exactly the resources a hub, or a
member in a given region, would have.

usage: transform_template.py TEMPLATE '{"Parameter": "value", ...}' ['{"AWS::AccountId": "…", "AWS::Region": "…"}']
"""

import json
import os
import sys

PSEUDO = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
os.environ["AWS_DEFAULT_REGION"] = PSEUDO.get("AWS::Region", os.environ.get("AWS_DEFAULT_REGION", "us-east-1"))

from samcli.yamlhelper import yaml_parse  # noqa: E402
from samtranslator.parser.parser import Parser  # noqa: E402
from samtranslator.translator.translator import Translator  # noqa: E402

PACKAGED_URIS = {"CodeUri", "DefinitionUri"}


def packaged(template):
    for resource in template.get("Resources", {}).values():
        properties = resource.get("Properties", {})
        for key in PACKAGED_URIS & properties.keys():
            if isinstance(properties[key], str):
                properties[key] = "s3://portcullis-template-test/" + properties[key]
    return template


class Conditions:
    """CloudFormation's condition functions over parameter values and pseudo parameters."""

    def __init__(self, template, parameters, pseudo):
        self.definitions = template.get("Conditions", {})
        self.values = {name: str(p.get("Default", "")) for name, p in template.get("Parameters", {}).items()}
        self.values.update({k: str(v) for k, v in parameters.items()})
        self.values.update(pseudo)
        self.cache = {}

    def holds(self, name):
        if name not in self.cache:
            if name not in self.definitions:
                raise ValueError(f"condition {name} is not defined in the template's Conditions")
            self.cache[name] = self.evaluate(self.definitions[name])
        return self.cache[name]

    def evaluate(self, node):
        (fn, arg), = node.items()
        if fn == "Fn::Equals":
            return self.value(arg[0]) == self.value(arg[1])
        if fn == "Fn::Not":
            return not self.evaluate(arg[0])
        if fn == "Fn::And":
            return all(self.evaluate(c) for c in arg)
        if fn == "Fn::Or":
            return any(self.evaluate(c) for c in arg)
        if fn == "Condition":
            return self.holds(arg)
        raise ValueError(f"a condition function this helper does not evaluate: {node}")

    def value(self, node):
        if isinstance(node, dict):
            (fn, arg), = node.items()
            if fn == "Ref":
                if arg not in self.values:
                    raise ValueError(f"a condition refers to {arg}, which has no value here (pass it as a pseudo parameter)")
                return self.values[arg]
            raise ValueError(f"a condition value this helper does not evaluate: {node}")
        return str(node)


def only_this_stacks(out, conditions):
    for section in ("Resources", "Outputs"):
        entries = out.get(section, {})
        for name in [n for n, e in entries.items() if "Condition" in e and not conditions.holds(e["Condition"])]:
            del entries[name]
    return out


def main():
    template = packaged(yaml_parse(open(sys.argv[1], encoding="utf-8").read()))
    parameters = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    translator = Translator(None, Parser())
    try:
        out = translator.translate(template, parameters, get_managed_policy_map=lambda: {})
    except Exception as e:  # the translator's errors name the resource and property
        print(f"the SAM transform refused the template: {e}", file=sys.stderr)
        sys.exit(2)
    if PSEUDO:
        try:
            out = only_this_stacks(out, Conditions(out, parameters, PSEUDO))
        except ValueError as e:
            print(f"the template's conditions: {e}", file=sys.stderr)
            sys.exit(2)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
