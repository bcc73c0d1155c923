"""LocalStack 4.14.0 in host mode (what `python -m localstack.runtime.main` runs), offline on a machine without Docker,
with five corrections, each where LocalStack would fetch something from the internet or departs from what AWS
documents. Everything else is LocalStack as released. See tests/emulator/LOCALSTACK.md.

1. DynamoDB. LocalStack's CloudFormation creates an AWS::DynamoDB::Table through LocalStack's own DynamoDB, which
   runs DynamoDB Local, downloaded at first use. Everything else here keeps DynamoDB on moto
   (AWS_ENDPOINT_URL_DYNAMODB, see localstack.sh), so the clients CloudFormation's resource providers use for
   DynamoDB go to the same moto server (PORTCULLIS_MOTO_URL).
2. Lambda without Docker. Creating a function "prepares" it for Docker: it downloads LocalStack's runtime-init binary
   and pulls the runtime's image, and the function fails when that fails. With no Docker no function can run anyway,
   so nothing is prepared: functions, versions and aliases are created and read back as in AWS; an invocation fails.
3. AWS::Lambda::Version's create-only properties. AWS replaces a version when its Description, CodeSha256 or
   RuntimePolicy changes ("Update requires: Replacement" in the CloudFormation reference): it publishes a new
   version. LocalStack's schema lists only FunctionName, so it attempts an in-place update it has not implemented.
4. AWS::Lambda::Alias updates. AWS updates an alias in place (UpdateAlias) when FunctionVersion, Description or
   RoutingConfig changes; LocalStack has not implemented it ("Unable to update resource type AWS::Lambda::Alias" in
   its log), reports success and leaves the alias on the old version, which the replacement then deletes. Without it
   no stack update could ever move `live` to a newly published version.
5. Ref to an updated resource. A Ref returns the resource's physical id, which changes only when the resource is
   replaced; LocalStack's change sets treat a Ref to any modified resource as modified (its own TODO says "this should
   check the replacement flag"). So updating a function's environment looked like a new FunctionName to its alias
   and its version, both of which AWS replaces only for a new FunctionName: the alias was re-created and failed.
"""

import os

import localstack.services.cloudformation.provider_utils as util
from localstack.runtime import main as runtime_main
from localstack.services.cloudformation import resource_provider
from localstack.services.cloudformation.engine.v2.change_set_model import (
    ChangeSetModel, ChangeType, NodeCondition, NodeParameter, TerminalValue)
from localstack.services.cloudformation.resource_provider import OperationStatus, ProgressEvent
from localstack.services.lambda_.invocation.docker_runtime_executor import DockerRuntimeExecutor
from localstack.services.lambda_.resource_providers.aws_lambda_version import LambdaVersionProvider
from localstack.services.lambda_.resource_providers.lambda_alias import LambdaAliasProvider

MOTO_URL = os.environ["PORTCULLIS_MOTO_URL"]

_get_client = resource_provider.ConvertingInternalClientFactory.get_client


def _dynamodb_on_moto(self, service_name, *args, **kwargs):
    if service_name in ("dynamodb", "dynamodbstreams"):
        kwargs["endpoint_url"] = MOTO_URL
    return _get_client(self, service_name, *args, **kwargs)


def _prepare_nothing(cls, function_version):
    return None


def _update_alias(self, request):
    model = request.desired_state
    params = util.select_attributes(model, ["FunctionName", "FunctionVersion", "Name", "Description", "RoutingConfig"])
    model["Id"] = request.aws_client_factory.lambda_.update_alias(**params)["AliasArn"]
    return ProgressEvent(status=OperationStatus.SUCCESS, resource_model=model)


_resolve_ref = ChangeSetModel._resolve_intrinsic_function_ref


def _ref_changes_with_the_physical_id(self, arguments):
    change_type = _resolve_ref(self, arguments)
    if change_type != ChangeType.MODIFIED or not isinstance(arguments, TerminalValue):
        return change_type
    name = arguments.value
    if (arguments.change_type != ChangeType.UNCHANGED or not isinstance(name, str) or name.startswith("AWS::")
            or isinstance(self._retrieve_condition_if_exists(condition_name=name), NodeCondition)
            or isinstance(self._retrieve_parameter_if_exists(parameter_name=name), NodeParameter)):
        return change_type
    resource = self._retrieve_or_visit_resource(resource_name=name)
    return change_type if resource.requires_replacement else ChangeType.UNCHANGED


resource_provider.ConvertingInternalClientFactory.get_client = _dynamodb_on_moto
DockerRuntimeExecutor.prepare_version = classmethod(_prepare_nothing)
LambdaVersionProvider.SCHEMA["createOnlyProperties"] = [
    "/properties/FunctionName", "/properties/Description", "/properties/CodeSha256", "/properties/RuntimePolicy"]
LambdaAliasProvider.update = _update_alias
ChangeSetModel._resolve_intrinsic_function_ref = _ref_changes_with_the_physical_id

if __name__ == "__main__":
    runtime_main.main()
