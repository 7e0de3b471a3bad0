# SPDX-License-Identifier: Apache-2.0
"""boto3 end-to-end cases for provisioned concurrency on a Nimbus server at NIMBUS_ENDPOINT.

Usage: python provisioned.py CASE. Reuses the helpers of invoke.py and lambda_api.py (same directory).
"""
import base64
import json
import sys
import time

from invoke import ACCOUNT, LAM, REGION, client, deploy, invoke, make_zip
from lambda_api import expect_error

HANDLER = """
import os
INIT_TYPE = os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE")

def handler(event, context):
    if event.get("crash"):
        os._exit(3)
    return {"init_type": INIT_TYPE, "version": context.function_version}
"""

RAW = client(validate=False)


def arn(name, qualifier=None):
    base = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"
    return base if qualifier is None else f"{base}:{qualifier}"


def wait_status(name, qualifier, wanted, seconds=60):
    deadline = time.time() + seconds
    while True:
        config = LAM.get_provisioned_concurrency_config(FunctionName=name, Qualifier=qualifier)
        if config["Status"] == wanted:
            return config
        assert config["Status"] == "IN_PROGRESS" and time.time() < deadline, config
        time.sleep(0.2)


def report_of(response):
    lines = base64.b64decode(response["LogResult"]).decode().splitlines()
    return next(line for line in lines if line.startswith("REPORT"))


def case_provisioned_alias_is_warm():
    name = deploy({"app.py": HANDLER})
    LAM.publish_version(FunctionName=name)
    LAM.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    put = LAM.put_provisioned_concurrency_config(FunctionName=name, Qualifier="live", ProvisionedConcurrentExecutions=2)
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 202, put
    assert put["RequestedProvisionedConcurrentExecutions"] == 2 and put["Status"] == "IN_PROGRESS", put
    assert put["AvailableProvisionedConcurrentExecutions"] == 0 and put["AllocatedProvisionedConcurrentExecutions"] == 0, put
    ready = wait_status(name, "live", "READY")
    assert ready["AvailableProvisionedConcurrentExecutions"] == 2 and ready["AllocatedProvisionedConcurrentExecutions"] == 2, ready

    response, body = invoke(name, Qualifier="live", LogType="Tail")
    result = json.loads(body)
    assert result["init_type"] == "provisioned-concurrency" and result["version"] == "1", result
    report = report_of(response)
    assert "Init Duration" not in report, report

    listed = LAM.list_provisioned_concurrency_configs(FunctionName=name)["ProvisionedConcurrencyConfigs"]
    assert [c["FunctionArn"] for c in listed] == [arn(name, "live")], listed

    expect_error(lambda: LAM.put_provisioned_concurrency_config(FunctionName=name, Qualifier="$LATEST", ProvisionedConcurrentExecutions=1),
                 "InvalidParameterValueException", 400, "Provisioned Concurrency Configs cannot be applied to unpublished function versions.")
    expect_error(lambda: LAM.get_provisioned_concurrency_config(FunctionName=name, Qualifier="$LATEST"),
                 "InvalidParameterValueException", 400, "The function resource provided must be an alias or a published version.")
    expect_error(lambda: LAM.put_provisioned_concurrency_config(FunctionName=name, Qualifier="1", ProvisionedConcurrentExecutions=1),
                 "ResourceConflictException", 409, "Version is pointed by a Provisioned Concurrency alias")
    expect_error(lambda: LAM.get_provisioned_concurrency_config(FunctionName=name, Qualifier="1"),
                 "ProvisionedConcurrencyConfigNotFoundException", 404, "No Provisioned Concurrency Config found for this function")
    expect_error(lambda: LAM.get_provisioned_concurrency_config(FunctionName=name, Qualifier="nope"),
                 "ResourceNotFoundException", 404, f"Cannot find alias arn: {arn(name, 'nope')}")
    expect_error(lambda: LAM.put_provisioned_concurrency_config(FunctionName=name, Qualifier="7", ProvisionedConcurrentExecutions=1),
                 "ResourceNotFoundException", 404, f"Function not found: {arn(name, '7')}")
    expect_error(lambda: RAW.put_provisioned_concurrency_config(FunctionName=name, Qualifier="live", ProvisionedConcurrentExecutions=0),
                 "ValidationException", 400,
                 "1 validation error detected: Value '0' at 'provisionedConcurrentExecutions' failed to satisfy constraint: "
                 "Member must have value greater than or equal to 1")
    expect_error(lambda: LAM.put_provisioned_concurrency_config(FunctionName=name, Qualifier="live", ProvisionedConcurrentExecutions=950),
                 "InvalidParameterValueException", 400,
                 "Specified ConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].")

    LAM.delete_provisioned_concurrency_config(FunctionName=name, Qualifier="live")
    LAM.delete_provisioned_concurrency_config(FunctionName=name, Qualifier="live")  # idempotent
    expect_error(lambda: LAM.get_provisioned_concurrency_config(FunctionName=name, Qualifier="live"),
                 "ProvisionedConcurrencyConfigNotFoundException", 404)
    LAM.put_provisioned_concurrency_config(FunctionName=name, Qualifier="1", ProvisionedConcurrentExecutions=1)
    expect_error(lambda: LAM.put_provisioned_concurrency_config(FunctionName=name, Qualifier="live", ProvisionedConcurrentExecutions=1),
                 "ResourceConflictException", 409, "Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version")
    LAM.delete_function(FunctionName=name)


def case_provisioned_environment_is_replaced():
    name = deploy({"app.py": HANDLER})
    LAM.publish_version(FunctionName=name)
    LAM.put_provisioned_concurrency_config(FunctionName=name, Qualifier="1", ProvisionedConcurrentExecutions=1)
    wait_status(name, "1", "READY")
    response, _ = invoke(name, {"crash": True}, Qualifier="1")
    assert response.get("FunctionError") == "Unhandled", response

    # The dead environment is replaced in the background; an invoke that arrives then finds it warm. An invoke that
    # comes before the replacement is ready is served by an on-demand environment, which stays idle and may serve the
    # next probe warm too: only an answer from a provisioned environment ends the wait, and it must be warm.
    deadline = time.time() + 60
    while True:
        time.sleep(0.5)
        response, body = invoke(name, Qualifier="1", LogType="Tail")
        result = json.loads(body)
        if result["init_type"] == "provisioned-concurrency":
            break
        assert result["init_type"] == "on-demand", result
        assert time.time() < deadline, "the provisioned environment was not replaced"
    assert "Init Duration" not in report_of(response), report_of(response)


def case_provisioned_init_failure():
    name = deploy({"app.py": "raise RuntimeError('no init today')\n"})
    LAM.publish_version(FunctionName=name)
    LAM.put_provisioned_concurrency_config(FunctionName=name, Qualifier="1", ProvisionedConcurrentExecutions=1)
    failed = wait_status(name, "1", "FAILED")
    assert failed["StatusReason"] == "FUNCTION_ERROR_INIT_FAILURE", failed
    assert failed["AvailableProvisionedConcurrentExecutions"] == 0, failed


def case_provisioned_and_reserved():
    name = deploy({"app.py": HANDLER})
    LAM.publish_version(FunctionName=name)
    LAM.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=2)
    expect_error(lambda: LAM.put_provisioned_concurrency_config(FunctionName=name, Qualifier="1", ProvisionedConcurrentExecutions=3),
                 "InvalidParameterValueException", 400,
                 "Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function")
    LAM.put_provisioned_concurrency_config(FunctionName=name, Qualifier="1", ProvisionedConcurrentExecutions=2)
    expect_error(lambda: LAM.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=1),
                 "InvalidParameterValueException", 400,
                 " ReservedConcurrentExecutions  1 should not be lower than function's total provisioned concurrency [2].")
    wait_status(name, "1", "READY")
    LAM.delete_function(FunctionName=name)


if __name__ == "__main__":
    globals()["case_" + sys.argv[1]]()
    print("ok")
