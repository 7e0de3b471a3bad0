# SPDX-License-Identifier: Apache-2.0
"""boto3 end-to-end cases for versions and aliases on a Nimbus server at NIMBUS_ENDPOINT.

Usage: python versions.py CASE. Reuses the helpers of invoke.py and lambda_api.py (same directory).
"""
import concurrent.futures
import json
import sys

from invoke import ACCOUNT, LAM, REGION, client, deploy, invoke, invoke_json, make_zip
from lambda_api import expect_error

HANDLER = """
import os
MARKER = %r

def handler(event, context):
    return {"marker": MARKER, "version": context.function_version, "arn": context.invoked_function_arn,
            "env_version": os.environ["AWS_LAMBDA_FUNCTION_VERSION"], "timeout": os.environ.get("TIMEOUT_MARK")}
"""

RAW = client(validate=False)


def code(marker):
    return make_zip({"app.py": HANDLER % marker})


def arn(name, qualifier=None):
    base = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"
    return base if qualifier is None else f"{base}:{qualifier}"


def wait_updated(name):
    LAM.get_waiter("function_updated_v2").wait(FunctionName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 150})


def update_code(name, marker, **extra):
    result = LAM.update_function_code(FunctionName=name, ZipFile=code(marker), **extra)
    wait_updated(name)
    return result


def case_versions_are_immutable():
    name = deploy({"app.py": HANDLER % "v1"})
    v1 = LAM.publish_version(FunctionName=name, Description="first")
    assert v1["Version"] == "1" and v1["FunctionArn"] == arn(name, "1"), v1
    assert v1["Description"] == "first" and v1["State"] == "Active" and v1["LastUpdateStatus"] == "Successful", v1
    again = LAM.publish_version(FunctionName=name, Description="ignored")
    assert again["Version"] == "1" and again["RevisionId"] == v1["RevisionId"] and again["Description"] == "first", again

    update_code(name, "v2")
    response, body = invoke(name, Qualifier="1")
    assert response["ExecutedVersion"] == "1", response
    result = json.loads(body)
    assert result["marker"] == "v1" and result["version"] == "1" and result["env_version"] == "1", result
    assert result["arn"] == arn(name, "1"), result
    assert invoke_json(f"{name}:1")["marker"] == "v1"
    assert invoke_json(arn(name, "1"))["marker"] == "v1"
    response, body = invoke(name)
    assert response["ExecutedVersion"] == "$LATEST" and json.loads(body)["marker"] == "v2", body

    got = LAM.get_function(FunctionName=name, Qualifier="1")
    assert got["Configuration"]["CodeSha256"] == v1["CodeSha256"] and got["Configuration"]["FunctionArn"] == arn(name, "1")
    latest = LAM.get_function_configuration(FunctionName=name)
    assert latest["CodeSha256"] != v1["CodeSha256"] and latest["FunctionArn"] == arn(name)

    expect_error(lambda: LAM.publish_version(FunctionName=name, CodeSha256="not-the-sha"), "InvalidParameterValueException", 400,
                 f"CodeSHA256 (not-the-sha) is different from current CodeSHA256 in $LATEST ({latest['CodeSha256']}). "
                 "Please try again with the CodeSHA256 in $LATEST.")
    expect_error(lambda: LAM.publish_version(FunctionName=name, RevisionId="stale"), "PreconditionFailedException", 412)
    v2 = LAM.publish_version(FunctionName=name, CodeSha256=latest["CodeSha256"], RevisionId=latest["RevisionId"])
    assert v2["Version"] == "2", v2

    versions = LAM.list_versions_by_function(FunctionName=name)["Versions"]
    assert [v["Version"] for v in versions] == ["$LATEST", "1", "2"], versions
    assert [v["FunctionArn"] for v in versions] == [arn(name, "$LATEST"), arn(name, "1"), arn(name, "2")]
    pages = LAM.get_paginator("list_versions_by_function").paginate(FunctionName=name, PaginationConfig={"PageSize": 1})
    assert [v["Version"] for page in pages for v in page["Versions"]] == ["$LATEST", "1", "2"]

    LAM.delete_function(FunctionName=name, Qualifier="1")
    LAM.delete_function(FunctionName=name, Qualifier="1")  # a missing version: success, as on AWS
    expect_error(lambda: LAM.get_function(FunctionName=name, Qualifier="1"), "ResourceNotFoundException", 404,
                 f"Function not found: {arn(name, '1')}")
    expect_error(lambda: LAM.invoke(FunctionName=name, Qualifier="1"), "ResourceNotFoundException", 404,
                 f"Function not found: {arn(name, '1')}")
    LAM.update_function_configuration(FunctionName=name, Environment={"Variables": {"TIMEOUT_MARK": "3"}})
    wait_updated(name)
    assert LAM.publish_version(FunctionName=name)["Version"] == "3"  # numbers are never reused
    assert invoke_json(name, Qualifier="3")["timeout"] == "3"
    assert invoke_json(name, Qualifier="2")["timeout"] is None

    expect_error(lambda: RAW.update_function_configuration(FunctionName=f"{name}:2", Timeout=9), "InvalidParameterValueException", 400,
                 "Current operation does not support versions other than $LATEST. "
                 "Please set the version to $LATEST or do not set a version in your request.")
    expect_error(lambda: LAM.delete_function(FunctionName=name, Qualifier="$LATEST"), "InvalidParameterValueException", 400,
                 "$LATEST version cannot be deleted without deleting the function.")
    LAM.delete_function(FunctionName=name)
    expect_error(lambda: LAM.list_versions_by_function(FunctionName=name), "ResourceNotFoundException", 404)


def case_publish_on_create_and_update():
    name = f"ver-{__import__('uuid').uuid4().hex[:10]}"
    created = LAM.create_function(FunctionName=name, Runtime="python3.11", Role=f"arn:aws:iam::{ACCOUNT}:role/r",
                                  Handler="app.handler", Code={"ZipFile": code("c1")}, Publish=True)
    assert created["Version"] == "1" and created["State"] == "Pending", created
    LAM.get_waiter("published_version_active").wait(FunctionName=name, Qualifier="1", WaiterConfig={"Delay": 0.2, "MaxAttempts": 150})
    LAM.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 150})
    updated = LAM.update_function_code(FunctionName=name, ZipFile=code("c2"), Publish=True)
    assert updated["Version"] == "2" and updated["FunctionArn"] == arn(name, "2"), updated
    LAM.get_waiter("published_version_active").wait(FunctionName=name, Qualifier="2", WaiterConfig={"Delay": 0.2, "MaxAttempts": 150})
    wait_updated(name)
    assert invoke_json(name, Qualifier="1")["marker"] == "c1"
    assert invoke_json(name, Qualifier="2")["marker"] == "c2"


def publish_round_trip(index):
    """create -> wait -> publish-version -> update --publish, three times over: issue #17 item 1's reproduction."""
    name = deploy({"app.py": HANDLER % f"p{index}-0"})
    first = LAM.publish_version(FunctionName=name)
    if first["Version"] != "1":
        raise AssertionError(first)
    for round in range(1, 4):
        updated = LAM.update_function_code(FunctionName=name, ZipFile=code(f"p{index}-{round}"), Publish=True)
        if updated["Version"] != str(round + 1):
            raise AssertionError(updated)
        wait_updated(name)
    return name


def case_publish_on_update_under_concurrency():
    with concurrent.futures.ThreadPoolExecutor(max_workers=12) as pool:
        names = list(pool.map(publish_round_trip, range(12)))
    for index, name in enumerate(names):
        if invoke_json(name, Qualifier="4")["marker"] != f"p{index}-3":
            raise AssertionError(name)


def two_versions():
    name = deploy({"app.py": HANDLER % "v1"})
    LAM.publish_version(FunctionName=name)
    update_code(name, "v2")
    LAM.publish_version(FunctionName=name)
    return name


def case_alias_lifecycle_and_rules():
    name = two_versions()
    alias = LAM.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    assert alias["AliasArn"] == arn(name, "live") and alias["FunctionVersion"] == "1" and alias["Description"] == "", alias
    assert "RoutingConfig" not in alias, alias
    response, body = invoke(name, Qualifier="live")
    result = json.loads(body)
    assert response["ExecutedVersion"] == "1" and result["marker"] == "v1" and result["arn"] == arn(name, "live"), result
    config = LAM.get_function_configuration(FunctionName=name, Qualifier="live")
    assert config["FunctionArn"] == arn(name, "live") and config["Version"] == "1", config

    moved = LAM.update_alias(FunctionName=name, Name="live", FunctionVersion="2", RevisionId=alias["RevisionId"])
    assert moved["RevisionId"] != alias["RevisionId"]
    response, body = invoke(arn(name, "live"))
    assert response["ExecutedVersion"] == "2" and json.loads(body)["marker"] == "v2"
    expect_error(lambda: LAM.update_alias(FunctionName=name, Name="live", RevisionId=alias["RevisionId"]), "PreconditionFailedException", 412)

    LAM.create_alias(FunctionName=name, Name="beta", FunctionVersion="$LATEST", Description="edge")
    LAM.create_alias(FunctionName=name, Name="2024-01-02", FunctionVersion="1")
    listed = LAM.list_aliases(FunctionName=name)["Aliases"]
    assert sorted(a["Name"] for a in listed) == ["2024-01-02", "beta", "live"], listed
    assert [a["Name"] for a in LAM.list_aliases(FunctionName=name, FunctionVersion="1")["Aliases"]] == ["2024-01-02"]
    assert LAM.get_alias(FunctionName=name, Name="beta")["Description"] == "edge"

    def create(alias_name="canary", version="1", weights=None):
        args = {"FunctionName": name, "Name": alias_name, "FunctionVersion": version}
        if weights is not None:
            args["RoutingConfig"] = {"AdditionalVersionWeights": weights}
        return lambda: RAW.create_alias(**args)

    expect_error(create(alias_name="live"), "ResourceConflictException", 409, f"Alias already exists: {arn(name, 'live')}")
    expect_error(create(alias_name="2024"), "ValidationException", 400,
                 "1 validation error detected: Value '2024' at 'name' failed to satisfy constraint: "
                 "Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)")
    expect_error(create(weights={"2": 0.1, "3": 0.1}), "InvalidParameterValueException", 400,
                 "Number of items in AdditionalVersionWeights cannot be greater than 1")
    expect_error(create(weights={"2": 2.0}), "ValidationException", 400,
                 "1 validation error detected: Value '{2=2.0}' at 'routingConfig.additionalVersionWeights' failed to satisfy "
                 "constraint: Map value must satisfy constraint: [Member must have value less than or equal to 1.0, "
                 "Member must have value greater than or equal to 0.0, Member must not be null]")
    expect_error(create(weights={"1": 0.5}), "InvalidParameterValueException", 400,
                 "Invalid function version 1. Function version 1 is already included in routing configuration.")
    expect_error(create(version="$LATEST", weights={"1": 0.5}), "InvalidParameterValueException", 400,
                 "$LATEST is not supported for an alias pointing to more than 1 version")
    expect_error(create(version="9"), "ResourceNotFoundException", 404, f"Function not found: {arn(name, '9')}")
    expect_error(create(weights={"9": 0.5}), "ResourceNotFoundException", 404, f"Function not found: {arn(name, '9')}")
    expect_error(lambda: LAM.get_alias(FunctionName=name, Name="nope"), "ResourceNotFoundException", 404,
                 f"Cannot find alias arn: {arn(name, 'nope')}")
    expect_error(lambda: LAM.update_alias(FunctionName=name, Name="nope", FunctionVersion="1"), "ResourceNotFoundException", 404,
                 f"Alias not found: {arn(name, 'nope')}")
    expect_error(lambda: LAM.invoke(FunctionName=name, Qualifier="nope"), "ResourceNotFoundException", 404,
                 f"Function not found: {arn(name, 'nope')}")

    # Different execution roles cannot share an alias.
    LAM.update_function_configuration(FunctionName=name, Role=f"arn:aws:iam::{ACCOUNT}:role/other")
    wait_updated(name)
    LAM.publish_version(FunctionName=name)
    expect_error(create(weights={"3": 0.5}), "InvalidParameterValueException", 400,
                 "Specified versions must be associated with the same execution role")

    expect_error(lambda: LAM.delete_function(FunctionName=name, Qualifier="2"), "ResourceConflictException", 409,
                 f"Unable to delete version because the following aliases reference it: [{arn(name, 'live')}]")
    expect_error(lambda: LAM.delete_function(FunctionName=name, Qualifier="live"), "InvalidParameterValueException", 400,
                 "Deletion of aliases is not currently supported.")
    LAM.delete_alias(FunctionName=name, Name="live")
    LAM.delete_alias(FunctionName=name, Name="live")  # idempotent, as on AWS
    LAM.delete_function(FunctionName=name, Qualifier="2")
    assert [a["Name"] for a in LAM.list_aliases(FunctionName=name)["Aliases"]] == ["2024-01-02", "beta"]


def case_weighted_routing_split():
    name = two_versions()
    LAM.create_alias(FunctionName=name, Name="canary", FunctionVersion="1", RoutingConfig={"AdditionalVersionWeights": {"2": 0.3}})
    total = 2000

    def one(_):
        response, body = invoke(name, Qualifier="canary")
        result = json.loads(body)
        assert result["version"] == response["ExecutedVersion"], (result, response["ExecutedVersion"])
        assert result["marker"] == ("v1" if result["version"] == "1" else "v2"), result
        return response["ExecutedVersion"]

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        executed = list(pool.map(one, range(total)))
    share = executed.count("2") / total
    assert executed.count("1") + executed.count("2") == total, set(executed)
    assert 0.25 <= share <= 0.35, f"version 2 ran {share:.3f} of {total} invokes, configured 0.30"
    print(f"version 2 share {share:.3f} (configured 0.30)")


if __name__ == "__main__":
    globals()["case_" + sys.argv[1]]()
    print("ok")
