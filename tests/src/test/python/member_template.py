"""Writes template.yaml with a member stack's parameter values as its defaults, for `sam validate --lint`.

`sam validate` takes no parameter values: it validates (and cfn-lint lints) the template with its defaults, which are
the hub's. ./portcullis test validates the template a second time as a member stack: this copy, identical but for
the Default of DeploymentRole and of the parameters a member stack must set (obviously fake values).

usage: member_template.py TEMPLATE OUT
"""

import re
import sys

MEMBER = {
    "DeploymentRole": "member",
    "OrganizationId": "o-a1b2c3d4e5",
    "HubAccountId": "111122223333",
    "HubRegion": "eu-west-1",
    "HubWorkerRoleArn": "arn:aws:iam::111122223333:role/portcullis/portcullis/portcullis-RemediatorRole-1A2B3C4D5E6F7",
}


def main():
    text = open(sys.argv[1], encoding="utf-8").read()
    for name, value in MEMBER.items():
        block = re.compile(r"(^  %s:\n(?:    .*\n)*?    Default: )(.*)$" % re.escape(name), re.M)
        text, n = block.subn(lambda m: m.group(1) + '"' + value + '"', text, count=1)
        if n != 1:
            sys.exit(f"member_template.py: {sys.argv[1]} has no parameter {name} with a Default")
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        out.write(text)


if __name__ == "__main__":
    main()
