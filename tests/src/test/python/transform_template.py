"""Prints template.yaml as CloudFormation receives it: the SAM transform applied, as `sam deploy` would.

Used by the template tests (TransformedTemplate.java) through the repository's .venv, offline: the code and state
machine locations are replaced by S3 URIs (as `sam package` would upload them), the parameter values come from the
command line as JSON, and no AWS call is made (no managed policy is looked up; the template names none).

usage: transform_template.py TEMPLATE '{"Parameter": "value", ...}'
"""

import json
import os
import sys

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

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


def main():
    template = packaged(yaml_parse(open(sys.argv[1], encoding="utf-8").read()))
    parameters = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    translator = Translator(None, Parser())
    try:
        out = translator.translate(template, parameters, get_managed_policy_map=lambda: {})
    except Exception as e:  # the translator's errors name the resource and property
        print(f"the SAM transform refused the template: {e}", file=sys.stderr)
        sys.exit(2)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
