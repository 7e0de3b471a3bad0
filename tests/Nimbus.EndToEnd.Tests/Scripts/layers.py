# SPDX-License-Identifier: Apache-2.0
"""boto3 end-to-end cases for Lambda layers on a Nimbus server at NIMBUS_ENDPOINT.

Usage: python layers.py CASE. Each case publishes its own layers (unique names), uses them and asserts what AWS
Lambda would answer; it exits non-zero on the first difference.
"""
import base64
import hashlib
import io
import json
import os
import sys
import urllib.request
import uuid
import zipfile

import boto3
import botocore.config
import botocore.exceptions

ENDPOINT = os.environ["NIMBUS_ENDPOINT"]
REGION = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
ACCOUNT = "000000000000"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/lambda-role"
PYTHON = os.environ.get("NIMBUS_TEST_RUNTIME", "python3.11")


def client(validate=True):
    config = botocore.config.Config(parameter_validation=validate, retries={"max_attempts": 1}, read_timeout=60)
    return boto3.client("lambda", endpoint_url=ENDPOINT, region_name=REGION, config=config)


LAM = client()
RAW = client(validate=False)


def make_zip(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o644 | 0o100000) << 16
            archive.writestr(info, content)
    return buffer.getvalue()


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def publish(files, name=None, **extra):
    return LAM.publish_layer_version(LayerName=name or unique("lay"), Content={"ZipFile": make_zip(files)}, **extra)


def deploy(files, layers, runtime=PYTHON, handler="app.handler"):
    name = unique("lfn")
    LAM.create_function(FunctionName=name, Runtime=runtime, Role=ROLE, Handler=handler,
                        Code={"ZipFile": make_zip(files)}, Layers=layers)
    LAM.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 150})
    return name


def invoke_json(name, payload=None):
    response = LAM.invoke(FunctionName=name, Payload=json.dumps(payload or {}).encode())
    body = response["Payload"].read()
    assert "FunctionError" not in response, (response.get("FunctionError"), body)
    return json.loads(body)


def error_of(call, **kwargs):
    try:
        call(**kwargs)
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    raise AssertionError(f"{call.__name__} succeeded: {kwargs}")


def case_publish_get_list_delete():
    name = unique("lay")
    content = make_zip({"python/shared.py": "VALUE = 1\n"})
    first = LAM.publish_layer_version(LayerName=name, Description="first", Content={"ZipFile": content},
                                      CompatibleRuntimes=["python3.11", "python3.12"],
                                      CompatibleArchitectures=["x86_64"], LicenseInfo="MIT")
    assert first["ResponseMetadata"]["HTTPStatusCode"] == 201, first
    assert first["Version"] == 1, first
    assert first["LayerArn"] == f"arn:aws:lambda:{REGION}:{ACCOUNT}:layer:{name}", first
    assert first["LayerVersionArn"] == first["LayerArn"] + ":1", first
    assert first["Content"]["CodeSha256"] == base64.b64encode(hashlib.sha256(content).digest()).decode(), first
    assert first["Content"]["CodeSize"] == len(content), first
    assert first["CompatibleRuntimes"] == ["python3.11", "python3.12"] and first["CompatibleArchitectures"] == ["x86_64"], first
    assert first["LicenseInfo"] == "MIT" and first["Description"] == "first", first
    with urllib.request.urlopen(first["Content"]["Location"]) as download:
        assert download.read() == content

    second = publish({"python/shared.py": "VALUE = 2\n"}, name=name, CompatibleRuntimes=["nodejs20.x"])
    assert second["Version"] == 2, second

    got = LAM.get_layer_version(LayerName=name, VersionNumber=1)
    assert got["LayerVersionArn"] == first["LayerVersionArn"] and got["Description"] == "first", got
    by_arn = LAM.get_layer_version_by_arn(Arn=second["LayerVersionArn"])
    assert by_arn["Version"] == 2 and by_arn["CompatibleRuntimes"] == ["nodejs20.x"], by_arn
    by_layer_arn = LAM.get_layer_version(LayerName=first["LayerArn"], VersionNumber=2)
    assert by_layer_arn["Version"] == 2, by_layer_arn

    versions = LAM.list_layer_versions(LayerName=name)["LayerVersions"]
    assert [v["Version"] for v in versions] == [2, 1], versions
    python_only = LAM.list_layer_versions(LayerName=name, CompatibleRuntime="python3.12")["LayerVersions"]
    assert [v["Version"] for v in python_only] == [1], python_only
    assert LAM.list_layer_versions(LayerName=name, CompatibleArchitecture="arm64")["LayerVersions"] == []
    page = LAM.list_layer_versions(LayerName=name, MaxItems=1)
    assert [v["Version"] for v in page["LayerVersions"]] == [2] and "NextMarker" in page, page
    rest = LAM.list_layer_versions(LayerName=name, MaxItems=1, Marker=page["NextMarker"])
    assert [v["Version"] for v in rest["LayerVersions"]] == [1] and "NextMarker" not in rest, rest

    layers = {l["LayerName"]: l for l in LAM.list_layers()["Layers"]}
    assert layers[name]["LatestMatchingVersion"]["Version"] == 2, layers[name]
    assert layers[name]["LayerArn"] == first["LayerArn"], layers[name]
    matching = {l["LayerName"]: l for l in LAM.list_layers(CompatibleRuntime="python3.11")["Layers"]}
    assert matching[name]["LatestMatchingVersion"]["Version"] == 1, matching[name]
    paginated = [l["LayerName"] for p in LAM.get_paginator("list_layers").paginate(PaginationConfig={"PageSize": 1}) for l in p["Layers"]]
    assert paginated.count(name) == 1, paginated

    deleted = LAM.delete_layer_version(LayerName=name, VersionNumber=2)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204, deleted
    again = LAM.delete_layer_version(LayerName=name, VersionNumber=2)
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 204, again
    code, message, status = error_of(LAM.get_layer_version, LayerName=name, VersionNumber=2)
    assert (code, message, status) == ("ResourceNotFoundException", "The resource you requested does not exist.", 404), (code, message)

    # Numbers are never reused, even after a delete.
    third = publish({"python/shared.py": "VALUE = 3\n"}, name=name)
    assert third["Version"] == 3, third
    assert [v["Version"] for v in LAM.list_layer_versions(LayerName=name)["LayerVersions"]] == [3, 1]


def case_publish_refusals():
    code, message, _ = error_of(RAW.publish_layer_version, LayerName="bad name!", Content={"ZipFile": make_zip({"a": "b"})})
    assert code == "ValidationException", (code, message)
    assert message.startswith("1 validation error detected: Value 'bad name!' at 'layerName' failed to satisfy constraint: Member must satisfy regular expression pattern: "), message

    code, message, _ = error_of(RAW.publish_layer_version, LayerName=unique("lay"), Content={"ZipFile": make_zip({"a": "b"})},
                                CompatibleRuntimes=["invalidruntime"], CompatibleArchitectures=["invalidarch"])
    assert code == "ValidationException", (code, message)
    assert message.startswith("2 validation errors detected: Value '[invalidruntime]' at 'compatibleRuntimes' failed to satisfy constraint: Member must satisfy enum value set: ["), message
    assert message.endswith("; Value '[invalidarch]' at 'compatibleArchitectures' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must not be null]"), message

    code, message, _ = error_of(RAW.publish_layer_version, LayerName=unique("lay"), Content={"ZipFile": make_zip({"a": "b"})},
                                CompatibleRuntimes=["python3.11"] * 16)
    assert code == "ValidationException" and "Member must have length less than or equal to 15" in message, (code, message)

    code, message, _ = error_of(RAW.publish_layer_version, LayerName=unique("lay"), Content={"ZipFile": make_zip({"a": "b"})},
                                CompatibleArchitectures=["x86_64", "arm64", "x86_64"])
    assert code == "ValidationException" and "Member must have length less than or equal to 2" in message, (code, message)

    code, message, _ = error_of(LAM.publish_layer_version, LayerName=unique("lay"), Content={"S3Bucket": "bucket", "S3Key": "key.zip"})
    assert code == "InvalidParameterValueException" and "S3" in message and "ZipFile" in message, (code, message)

    code, message, _ = error_of(LAM.publish_layer_version, LayerName=unique("lay"), Content={"ZipFile": b"not a zip"})
    assert (code, message) == ("InvalidParameterValueException", "Could not unzip uploaded file. Please check your file, then try to upload again."), (code, message)

    code, message, status = error_of(LAM.get_layer_version_by_arn, Arn=f"arn:aws:lambda:{REGION}:{ACCOUNT}:layer:nope-{uuid.uuid4().hex[:6]}:1")
    assert (code, status) == ("ResourceNotFoundException", 404), (code, message)


def case_permissions():
    layer = publish({"python/p.py": "X = 1\n"})
    name, version = layer["LayerArn"].split(":")[-1], layer["Version"]
    code, message, status = error_of(LAM.get_layer_version_policy, LayerName=name, VersionNumber=version)
    assert (code, message, status) == ("ResourceNotFoundException", "No policy is associated with the given resource.", 404), (code, message)

    added = LAM.add_layer_version_permission(LayerName=name, VersionNumber=version, StatementId="xaccount",
                                             Action="lambda:GetLayerVersion", Principal="210987654321")
    assert added["ResponseMetadata"]["HTTPStatusCode"] == 201, added
    statement = json.loads(added["Statement"])
    assert statement == {"Sid": "xaccount", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
                         "Action": "lambda:GetLayerVersion", "Resource": layer["LayerVersionArn"]}, statement

    public = LAM.add_layer_version_permission(LayerName=name, VersionNumber=version, StatementId="org",
                                              Action="lambda:GetLayerVersion", Principal="*", OrganizationId="o-abcdefghij",
                                              RevisionId=added["RevisionId"])
    policy = LAM.get_layer_version_policy(LayerName=name, VersionNumber=version)
    assert policy["RevisionId"] == public["RevisionId"], policy
    document = json.loads(policy["Policy"])
    assert document["Version"] == "2012-10-17" and document["Id"] == "default", document
    assert [s["Sid"] for s in document["Statement"]] == ["xaccount", "org"], document
    assert document["Statement"][1]["Principal"] == "*", document
    assert document["Statement"][1]["Condition"] == {"StringEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}}, document

    code, message, status = error_of(LAM.add_layer_version_permission, LayerName=name, VersionNumber=version, StatementId="xaccount",
                                     Action="lambda:GetLayerVersion", Principal="*")
    assert (code, status) == ("ResourceConflictException", 409), (code, message)
    assert message == "The statement id (xaccount) provided already exists. Please provide a new statement id, or remove the existing statement.", message

    code, message, status = error_of(LAM.add_layer_version_permission, LayerName=name, VersionNumber=version, StatementId="stale",
                                     Action="lambda:GetLayerVersion", Principal="*", RevisionId=added["RevisionId"])
    assert (code, status) == ("PreconditionFailedException", 412), (code, message)

    code, message, _ = error_of(RAW.add_layer_version_permission, LayerName=name, VersionNumber=version, StatementId="bad",
                                Action="lambda:InvokeFunction", Principal="*")
    assert code == "ValidationException" and "at 'action' failed to satisfy constraint: Member must satisfy regular expression pattern: lambda:GetLayerVersion" in message, (code, message)

    code, message, status = error_of(LAM.add_layer_version_permission, LayerName=name, VersionNumber=99, StatementId="s",
                                     Action="lambda:GetLayerVersion", Principal="*")
    assert (code, status) == ("ResourceNotFoundException", 404), (code, message)

    removed = LAM.remove_layer_version_permission(LayerName=name, VersionNumber=version, StatementId="xaccount")
    assert removed["ResponseMetadata"]["HTTPStatusCode"] == 204, removed
    code, message, status = error_of(LAM.remove_layer_version_permission, LayerName=name, VersionNumber=version, StatementId="xaccount")
    assert (code, message, status) == ("ResourceNotFoundException", "Statement xaccount is not found in resource policy.", 404), (code, message)
    left = json.loads(LAM.get_layer_version_policy(LayerName=name, VersionNumber=version)["Policy"])
    assert [s["Sid"] for s in left["Statement"]] == ["org"], left


PY_HANDLER = """
import shared

def handler(event, context):
    import os
    return {"value": shared.VALUE, "file": shared.__file__, "bin": os.path.exists(os.environ["PATH"].split(":")[-1] + "/tool")}
"""


def case_python_imports_layer_module():
    lib = publish({"python/shared.py": "VALUE = 'from-layer'\n", "bin/tool": "#!/bin/sh\n"})
    name = deploy({"app.py": PY_HANDLER}, [lib["LayerVersionArn"]])
    config = LAM.get_function_configuration(FunctionName=name)
    assert config["Layers"] == [{"Arn": lib["LayerVersionArn"], "CodeSize": lib["Content"]["CodeSize"]}], config["Layers"]
    result = invoke_json(name)
    assert result["value"] == "from-layer", result
    assert result["file"].endswith("/python/shared.py"), result
    assert result["bin"] is True, result


def case_python_site_packages_path():
    ver = PYTHON  # python3.11 -> python/lib/python3.11/site-packages
    lib = publish({f"python/lib/{ver}/site-packages/sitepkg/__init__.py": "VALUE = 'site'\n"})
    name = deploy({"app.py": "import sitepkg\n\ndef handler(event, context):\n    return {'value': sitepkg.VALUE}\n"}, [lib["LayerVersionArn"]])
    assert invoke_json(name)["value"] == "site"


def case_node_requires_layer_module():
    lib = publish({"nodejs/node_modules/greeting/index.js": "module.exports = { hello: () => 'hello from layer' };\n"})
    handler = "const greeting = require('greeting');\nexports.handler = async () => ({ value: greeting.hello() });\n"
    name = deploy({"index.js": handler}, [lib["LayerVersionArn"]], runtime="nodejs20.x", handler="index.handler")
    assert invoke_json(name)["value"] == "hello from layer"


def case_later_layer_overrides_earlier():
    first = publish({"python/shared.py": "VALUE = 'first'\n", "python/only_first.py": "X = 1\n"})
    second = publish({"python/shared.py": "VALUE = 'second'\n"})
    code = "import shared, only_first\n\ndef handler(event, context):\n    return {'value': shared.VALUE, 'x': only_first.X}\n"
    name = deploy({"app.py": code}, [first["LayerVersionArn"], second["LayerVersionArn"]])
    assert invoke_json(name) == {"value": "second", "x": 1}

    # The other order: the first layer's file wins now.
    LAM.update_function_configuration(FunctionName=name, Layers=[second["LayerVersionArn"], first["LayerVersionArn"]])
    LAM.get_waiter("function_updated_v2").wait(FunctionName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 150})
    assert invoke_json(name) == {"value": "first", "x": 1}


def case_function_layer_refusals():
    arns = [publish({f"python/m{i}.py": f"V = {i}\n"})["LayerVersionArn"] for i in range(6)]
    code, message, _ = error_of(LAM.create_function, FunctionName=unique("lfn"), Runtime=PYTHON, Role=ROLE, Handler="app.handler",
                                Code={"ZipFile": make_zip({"app.py": "def handler(e, c):\n    return 1\n"})}, Layers=arns)
    assert (code, message) == ("InvalidParameterValueException", "Cannot reference more than 5 layers."), (code, message)

    name = deploy({"app.py": "import m0, m4\n\ndef handler(e, c):\n    return {'v': [m0.V, m4.V]}\n"}, arns[:5])
    assert invoke_json(name) == {"v": [0, 4]}
    assert [l["Arn"] for l in LAM.get_function_configuration(FunctionName=name)["Layers"]] == arns[:5]

    missing = f"arn:aws:lambda:{REGION}:{ACCOUNT}:layer:doesnotexist-{uuid.uuid4().hex[:6]}:1"
    code, message, status = error_of(LAM.update_function_configuration, FunctionName=name, Layers=[missing])
    assert (code, message, status) == ("InvalidParameterValueException", f"Layer version {missing} does not exist.", 400), (code, message)

    other_region = arns[0].replace(f":{REGION}:", ":eu-west-3:")
    code, message, _ = error_of(LAM.update_function_configuration, FunctionName=name, Layers=[other_region])
    assert (code, message) == ("InvalidParameterValueException", f"Layers are not in the same region as the function. Layers are expected to be in region {REGION}."), (code, message)

    code, message, _ = error_of(RAW.update_function_configuration, FunctionName=name, Layers=[arns[0].rsplit(":", 1)[0]])
    assert code == "ValidationException" and "at 'layers' failed to satisfy constraint" in message, (code, message)


def case_deleted_layer_keeps_working():
    lib = publish({"python/shared.py": "VALUE = 'kept'\n"})
    name = deploy({"app.py": "import shared\n\ndef handler(event, context):\n    return {'value': shared.VALUE}\n"}, [lib["LayerVersionArn"]])
    layer_name = lib["LayerArn"].split(":")[-1]
    LAM.delete_layer_version(LayerName=layer_name, VersionNumber=lib["Version"])

    # A new environment (after a configuration change) still gets the deleted version's files.
    LAM.update_function_configuration(FunctionName=name, MemorySize=256)
    LAM.get_waiter("function_updated_v2").wait(FunctionName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 150})
    assert invoke_json(name) == {"value": "kept"}
    config = LAM.get_function_configuration(FunctionName=name)
    assert [l["Arn"] for l in config["Layers"]] == [lib["LayerVersionArn"]], config

    # ...but no new function can start using it.
    code, message, _ = error_of(LAM.create_function, FunctionName=unique("lfn"), Runtime=PYTHON, Role=ROLE, Handler="app.handler",
                                Code={"ZipFile": make_zip({"app.py": "def handler(e, c):\n    return 1\n"})}, Layers=[lib["LayerVersionArn"]])
    assert (code, message) == ("InvalidParameterValueException", f"Layer version {lib['LayerVersionArn']} does not exist."), (code, message)
    LAM.delete_function(FunctionName=name)


if __name__ == "__main__":
    globals()["case_" + sys.argv[1]]()
    print("ok")
