# SPDX-License-Identifier: Apache-2.0
"""boto3 end-to-end cases against a Nimbus server at NIMBUS_ENDPOINT.

Usage: python lambda_api.py CASE [ARGS...]. Each case asserts what AWS Lambda would answer and exits non-zero
on the first difference. Client-side parameter validation is off where a case checks the server's own
validation, so the request reaches Nimbus exactly as written.
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


def client(region=REGION, validate=True):
    config = botocore.config.Config(parameter_validation=validate, retries={"max_attempts": 1})
    return boto3.client("lambda", endpoint_url=ENDPOINT, region_name=region, config=config)


def make_zip(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def echo_zip(marker="v1"):
    return make_zip({"app.py": f"MARKER = '{marker}'\n\ndef handler(event, context):\n    return {{'marker': MARKER}}\n"})


def unique(prefix="fn"):
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def sha256_b64(data):
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def create(lam, name, **extra):
    args = dict(FunctionName=name, Runtime="python3.11", Role=ROLE, Handler="app.handler", Code={"ZipFile": echo_zip()})
    args.update(extra)
    return lam.create_function(**args)


def expect_error(call, code, status, message=None, contains=None):
    try:
        call()
    except botocore.exceptions.ClientError as error:
        got_code = error.response["Error"]["Code"]
        got_status = error.response["ResponseMetadata"]["HTTPStatusCode"]
        got_message = error.response["Error"]["Message"]
        assert got_code == code, f"code {got_code!r} != {code!r} ({got_message})"
        assert got_status == status, f"status {got_status} != {status} ({got_message})"
        if message is not None:
            assert got_message == message, f"message\n  {got_message!r}\n!=\n  {message!r}"
        if contains is not None:
            assert contains in got_message, f"{contains!r} not in {got_message!r}"
        return error
    raise AssertionError(f"expected {code}, but the call succeeded")


def case_lifecycle():
    lam = client()
    name = unique()
    zip_v1 = echo_zip("v1")
    created = lam.create_function(
        FunctionName=name, Runtime="python3.11", Role=ROLE, Handler="app.handler", Code={"ZipFile": zip_v1},
        Description="first", Timeout=30, MemorySize=256, Environment={"Variables": {"GREETING": "hi"}},
        Tags={"team": "nimbus"})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert created["FunctionName"] == name
    assert created["FunctionArn"] == f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"
    assert created["State"] == "Pending" and created["StateReasonCode"] == "Creating", created
    assert created["StateReason"] == "The function is being created."
    assert "LastUpdateStatus" not in created
    assert created["CodeSha256"] == sha256_b64(zip_v1)
    assert created["CodeSize"] == len(zip_v1)
    assert created["Version"] == "$LATEST" and created["PackageType"] == "Zip"
    assert created["Timeout"] == 30 and created["MemorySize"] == 256 and created["Description"] == "first"
    assert created["Environment"] == {"Variables": {"GREETING": "hi"}}
    assert created["EphemeralStorage"] == {"Size": 512} and created["Architectures"] == ["x86_64"]
    assert created["TracingConfig"] == {"Mode": "PassThrough"}
    assert created["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{name}"}
    # LastModified in AWS's form: 2019-02-20T15:33:28.335+0000
    modified = created["LastModified"]
    assert len(modified) == 28 and modified.endswith("+0000") and modified[19] == ".", modified

    lam.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    got = lam.get_function(FunctionName=name)
    config = got["Configuration"]
    assert config["State"] == "Active" and config["LastUpdateStatus"] == "Successful", config
    assert "StateReason" not in config
    assert got["Tags"] == {"team": "nimbus"}
    assert got["Code"]["RepositoryType"] == "S3"
    with urllib.request.urlopen(got["Code"]["Location"]) as response:
        assert response.read() == zip_v1, "Code.Location must serve the uploaded zip"

    assert lam.get_function_configuration(FunctionName=name)["RevisionId"] == config["RevisionId"]
    names = [f["FunctionName"] for page in lam.get_paginator("list_functions").paginate() for f in page["Functions"]]
    assert name in names

    shared = lam.publish_layer_version(LayerName=f"shared-{name}", Content={"ZipFile": echo_zip("layer")})["LayerVersionArn"]
    updated = lam.update_function_configuration(
        FunctionName=name, MemorySize=1024, Timeout=60, Description="second", Handler="app.other",
        Environment={"Variables": {"AA": "1"}}, EphemeralStorage={"Size": 1024}, TracingConfig={"Mode": "Active"},
        LoggingConfig={"LogFormat": "JSON"}, DeadLetterConfig={"TargetArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:dlq"},
        Layers=[shared], RevisionId=config["RevisionId"])
    assert updated["LastUpdateStatus"] == "InProgress", updated
    assert updated["LastUpdateStatusReasonCode"] == "Creating"
    lam.get_waiter("function_updated_v2").wait(FunctionName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    config = lam.get_function_configuration(FunctionName=name)
    assert config["MemorySize"] == 1024 and config["Timeout"] == 60 and config["Description"] == "second"
    assert config["Handler"] == "app.other" and config["Environment"] == {"Variables": {"AA": "1"}}
    assert config["EphemeralStorage"] == {"Size": 1024} and config["TracingConfig"] == {"Mode": "Active"}
    assert config["LoggingConfig"]["LogFormat"] == "JSON" and config["LoggingConfig"]["ApplicationLogLevel"] == "INFO"
    assert config["DeadLetterConfig"]["TargetArn"].endswith(":dlq")
    assert config["Layers"][0]["Arn"] == shared, config["Layers"]
    assert config["LastUpdateStatus"] == "Successful"

    zip_v2 = echo_zip("v2")
    code = lam.update_function_code(FunctionName=name, ZipFile=zip_v2)
    assert code["CodeSha256"] == sha256_b64(zip_v2) and code["LastUpdateStatus"] == "InProgress"
    lam.get_waiter("function_updated_v2").wait(FunctionName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    got = lam.get_function(FunctionName=name)
    with urllib.request.urlopen(got["Code"]["Location"]) as response:
        assert response.read() == zip_v2

    arn = got["Configuration"]["FunctionArn"]
    lam.tag_resource(Resource=arn, Tags={"stage": "dev", "team": "core"})
    assert lam.list_tags(Resource=arn)["Tags"] == {"team": "core", "stage": "dev"}
    lam.untag_resource(Resource=arn, TagKeys=["team"])
    assert lam.list_tags(Resource=arn)["Tags"] == {"stage": "dev"}

    deleted = lam.delete_function(FunctionName=name)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    expect_error(lambda: lam.get_function(FunctionName=name), "ResourceNotFoundException", 404,
                 f"Function not found: arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}")
    assert name not in [f["FunctionName"] for f in lam.list_functions()["Functions"]]


def case_names_and_arns():
    lam = client()
    name = unique()
    create(lam, name)
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"
    for ref in (name, arn, f"{ACCOUNT}:function:{name}", f"{name}:$LATEST", f"{arn}:$LATEST"):
        assert lam.get_function_configuration(FunctionName=ref)["FunctionName"] == name, ref
    assert lam.get_function(FunctionName=name, Qualifier="$LATEST")["Configuration"]["Version"] == "$LATEST"
    other = "eu-west-1" if REGION != "eu-west-1" else "us-east-1"
    expect_error(lambda: lam.get_function(FunctionName=f"arn:aws:lambda:{other}:{ACCOUNT}:function:{name}"),
                 "ResourceNotFoundException", 404, f"Functions from '{other}' are not reachable in this region ('{REGION}')")
    expect_error(lambda: lam.get_function(FunctionName=f"{name}:1", Qualifier="$LATEST"), "InvalidParameterValueException", 400,
                 "The derived qualifier from the function name does not match the specified qualifier.")
    expect_error(lambda: lam.get_function(FunctionName=name, Qualifier="7"), "ResourceNotFoundException", 404,
                 f"Function not found: {arn}:7")
    expect_error(lambda: lam.delete_function(FunctionName=name, Qualifier="$LATEST"), "InvalidParameterValueException", 400,
                 "$LATEST version cannot be deleted without deleting the function.")
    # The same name in another region is another function.
    expect_error(lambda: client(other).get_function(FunctionName=name), "ResourceNotFoundException", 404,
                 f"Function not found: arn:aws:lambda:{other}:{ACCOUNT}:function:{name}")
    created_elsewhere = create(client(other), name)
    assert created_elsewhere["FunctionArn"] == f"arn:aws:lambda:{other}:{ACCOUNT}:function:{name}"
    lam.delete_function(FunctionName=arn)
    client(other).delete_function(FunctionName=name)


def case_validation_errors():
    lam = client(validate=False)
    before = sorted(f["FunctionName"] for f in lam.list_functions(MaxItems=50)["Functions"])
    name = unique()
    base = dict(FunctionName=name, Runtime="python3.11", Role=ROLE, Handler="app.handler", Code={"ZipFile": echo_zip()})

    def attempt(**changes):
        args = dict(base)
        args.update(changes)
        return lambda: lam.create_function(**args)

    create_pattern = r"(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?"
    expect_error(attempt(FunctionName="bad name!"), "ValidationException", 400,
                 "1 validation error detected: Value 'bad name!' at 'functionName' failed to satisfy constraint: "
                 f"Member must satisfy regular expression pattern: {create_pattern}")
    long_name = "a" * 65
    expect_error(attempt(FunctionName=long_name), "InvalidParameterValueException", 400,
                 f"1 validation error detected: Value '{long_name}' at 'functionName' failed to satisfy constraint: "
                 "Member must have length less than or equal to 64")
    expect_error(attempt(MemorySize=64), "ValidationException", 400,
                 "1 validation error detected: Value '64' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128")
    expect_error(attempt(MemorySize=10241), "ValidationException", 400,
                 "1 validation error detected: Value '10241' at 'memorySize' failed to satisfy constraint: Member must have value less than or equal to 10240")
    expect_error(attempt(Timeout=0), "ValidationException", 400,
                 "1 validation error detected: Value '0' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1")
    expect_error(attempt(Timeout=901), "ValidationException", 400,
                 "1 validation error detected: Value '901' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900")
    expect_error(attempt(EphemeralStorage={"Size": 511}), "ValidationException", 400,
                 "1 validation error detected: Value '511' at 'ephemeralStorage.size' failed to satisfy constraint: Member must have value greater than or equal to 512")
    expect_error(attempt(EphemeralStorage={"Size": 10241}), "ValidationException", 400,
                 "1 validation error detected: Value '10241' at 'ephemeralStorage.size' failed to satisfy constraint: Member must have value less than or equal to 10240")
    expect_error(attempt(Timeout=0, MemorySize=64), "ValidationException", 400,
                 "2 validation errors detected: Value '0' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1; "
                 "Value '64' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128")
    expect_error(attempt(Handler="app handler"), "ValidationException", 400,
                 r"1 validation error detected: Value 'app handler' at 'handler' failed to satisfy constraint: Member must satisfy regular expression pattern: [^\s]+")
    expect_error(attempt(Role="not-a-role"), "ValidationException", 400,
                 r"1 validation error detected: Value 'not-a-role' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+")
    expect_error(attempt(Description="d" * 257), "ValidationException", 400, contains="Member must have length less than or equal to 256")
    expect_error(attempt(Runtime="cobol85"), "InvalidParameterValueException", 400, contains="Value cobol85 at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [")
    expect_error(attempt(Runtime="python2.7"), "InvalidParameterValueException", 400,
                 "The runtime parameter of python2.7 is no longer supported for creating or updating AWS Lambda functions. "
                 "We recommend you use a supported runtime while creating or updating functions.")
    args = dict(base)
    del args["Runtime"]
    expect_error(lambda: lam.create_function(**args), "InvalidParameterValueException", 400,
                 "Runtime and Handler are mandatory parameters for functions created with deployment packages.")
    expect_error(attempt(Environment={"Variables": {"AWS_REGION": "x", "OK": "y"}}), "InvalidParameterValueException", 400,
                 "Lambda was unable to configure your environment variables because the environment variables you have provided "
                 "contains reserved keys that are currently not supported for modification. Reserved keys used in this request: AWS_REGION")
    big = {"BIG": "x" * 4090}
    expect_error(attempt(Environment={"Variables": big}), "InvalidParameterValueException", 400,
                 "Lambda was unable to configure your environment variables because the environment variables you have provided "
                 f"exceeded the 4KB limit. String measured: {json.dumps(big, separators=(',', ':'))}")
    expect_error(attempt(Environment={"Variables": {"A": "single-character keys are refused too"}}), "ValidationException", 400,
                 contains="Map keys must satisfy constraint")
    expect_error(attempt(Environment={"Variables": {"1BAD": "x"}}), "ValidationException", 400,
                 "1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: Map keys must satisfy "
                 "constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]")
    expect_error(attempt(Code={"ZipFile": b"this is not a zip"}), "InvalidParameterValueException", 400,
                 "Could not unzip uploaded file. Please check your file, then try to upload again.")
    expect_error(attempt(Code={}), "InvalidParameterValueException", 400, "Please provide a source for function code.")
    expect_error(attempt(Code={"S3Bucket": "bucket", "S3Key": "key.zip"}), "InvalidParameterValueException", 400, contains="S3")
    expect_error(attempt(Code={"ImageUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest"}), "InvalidParameterValueException", 400, contains="ImageUri")
    expect_error(attempt(Layers=[f"arn:aws:lambda:{REGION}:{ACCOUNT}:layer:l{i}:1" for i in range(6)]),
                 "InvalidParameterValueException", 400, "Cannot reference more than 5 layers.")
    expect_error(attempt(Layers=["arn:aws:lambda:us-east-1:000000000000:layer:nover"]), "ValidationException", 400,
                 contains="at 'layers' failed to satisfy constraint")
    expect_error(attempt(Architectures=["sparc"]), "ValidationException", 400,
                 "1 validation error detected: Value '[sparc]' at 'architectures' failed to satisfy constraint: Member must satisfy "
                 "constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must not be null]")
    expect_error(attempt(Tags={"bad,key": "v"}), "ValidationException", 400, contains="at 'tags.key'")

    # A rejected request changes nothing.
    expect_error(lambda: lam.get_function(FunctionName=name), "ResourceNotFoundException", 404)
    after = sorted(f["FunctionName"] for f in lam.list_functions(MaxItems=50)["Functions"])
    assert before == after, (before, after)

    # Conflicts and preconditions.
    create(lam, name)
    expect_error(lambda: create(lam, name), "ResourceConflictException", 409, f"Function already exist: {name}")
    lam.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    current = lam.get_function_configuration(FunctionName=name)
    expect_error(lambda: lam.update_function_configuration(FunctionName=name, MemorySize=512, RevisionId=str(uuid.uuid4())),
                 "PreconditionFailedException", 412,
                 "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id")
    expect_error(lambda: lam.update_function_code(FunctionName=name, ZipFile=echo_zip("x"), RevisionId=str(uuid.uuid4())),
                 "PreconditionFailedException", 412)
    expect_error(lambda: lam.update_function_configuration(FunctionName=name, MemorySize=99), "ValidationException", 400)
    expect_error(lambda: lam.update_function_code(FunctionName=name, ZipFile=b"PK-not-really"), "InvalidParameterValueException", 400)
    unchanged = lam.get_function_configuration(FunctionName=name)
    assert unchanged["RevisionId"] == current["RevisionId"] and unchanged["MemorySize"] == 128, unchanged

    # Missing functions.
    missing = unique("missing")
    missing_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{missing}"
    for call in (lambda: lam.get_function(FunctionName=missing), lambda: lam.get_function_configuration(FunctionName=missing),
                 lambda: lam.delete_function(FunctionName=missing), lambda: lam.update_function_configuration(FunctionName=missing, Timeout=5),
                 lambda: lam.update_function_code(FunctionName=missing, ZipFile=echo_zip()), lambda: lam.list_tags(Resource=missing_arn),
                 lambda: lam.tag_resource(Resource=missing_arn, Tags={"a": "b"})):
        expect_error(call, "ResourceNotFoundException", 404, f"Function not found: {missing_arn}")
    expect_error(lambda: lam.list_tags(Resource=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}:1"), "InvalidParameterValueException", 400,
                 "Tags on function aliases and versions are not supported. Please specify a function ARN.")
    expect_error(lambda: lam.list_tags(Resource="arn:aws:something"), "ValidationException", 400, contains="at 'resource' failed to satisfy constraint")
    expect_error(lambda: lam.list_functions(FunctionVersion="SOME"), "ValidationException", 400,
                 "1 validation error detected: Value 'SOME' at 'functionVersion' failed to satisfy constraint: Member must satisfy enum value set: [ALL]")
    expect_error(lambda: lam.list_functions(MaxItems=0), "ValidationException", 400,
                 "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1")
    lam.delete_function(FunctionName=name)


def case_oversize_code():
    lam = client(validate=False)
    name = unique()
    # 51 MB of random bytes: over the 50 MB zipped limit.
    blob = os.urandom(51 * 1024 * 1024)
    expect_error(lambda: lam.create_function(FunctionName=name, Runtime="python3.11", Role=ROLE, Handler="app.handler", Code={"ZipFile": blob}),
                 "RequestEntityTooLargeException", 413)
    # A zip that unpacks to more than 250 MB (zeros compress well).
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        chunk = b"\0" * (1024 * 1024)
        with archive.open("zeros.bin", "w", force_zip64=True) as entry:
            for _ in range(251):
                entry.write(chunk)
    expect_error(lambda: lam.create_function(FunctionName=name, Runtime="python3.11", Role=ROLE, Handler="app.handler",
                                             Code={"ZipFile": buffer.getvalue()}),
                 "InvalidParameterValueException", 400, "Unzipped size must be smaller than 262144000 bytes")
    expect_error(lambda: lam.get_function(FunctionName=name), "ResourceNotFoundException", 404)


def case_paging():
    lam = client()
    prefix = unique("page")
    names = sorted(f"{prefix}-{i:02d}" for i in range(7))
    for name in names:
        create(lam, name)
    seen = []
    marker = None
    while True:
        args = {"MaxItems": 3}
        if marker:
            args["Marker"] = marker
        page = lam.list_functions(**args)
        assert len(page["Functions"]) <= 3
        seen += [f["FunctionName"] for f in page["Functions"] if f["FunctionName"].startswith(prefix)]
        marker = page.get("NextMarker")
        if not marker:
            break
    assert seen == names, seen
    every = [f["FunctionName"] for p in lam.get_paginator("list_functions").paginate(FunctionVersion="ALL", PaginationConfig={"PageSize": 2}) for f in p["Functions"]]
    assert [n for n in every if n.startswith(prefix)] == names
    for name in names:
        lam.delete_function(FunctionName=name)


def case_account_settings():
    lam = client()
    before = lam.get_account_settings()
    assert before["AccountLimit"]["ConcurrentExecutions"] == 1000
    assert before["AccountLimit"]["CodeSizeZipped"] == 52428800 and before["AccountLimit"]["CodeSizeUnzipped"] == 262144000
    name = unique()
    created = create(lam, name)
    after = lam.get_account_settings()
    assert after["AccountUsage"]["FunctionCount"] == before["AccountUsage"]["FunctionCount"] + 1
    assert after["AccountUsage"]["TotalCodeSize"] == before["AccountUsage"]["TotalCodeSize"] + created["CodeSize"]
    lam.delete_function(FunctionName=name)


def case_create_many():
    """Creates functions one after another, printing each name once CreateFunction has answered."""
    lam = client()
    prefix = sys.argv[2]
    for i in range(int(sys.argv[3])):
        name = f"{prefix}-{i:04d}"
        try:
            create(lam, name)
        except Exception as error:  # the server was killed: stop quietly
            print(f"stopped: {type(error).__name__}", file=sys.stderr)
            return
        print(name, flush=True)


def case_exists():
    """Checks that every name given on stdin is a function that can be read and is settled (Active)."""
    lam = client()
    names = [line.strip() for line in sys.stdin if line.strip()]
    for name in names:
        lam.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
        config = lam.get_function_configuration(FunctionName=name)
        assert config["State"] == "Active", config
    print(len(names))


if __name__ == "__main__":
    globals()["case_" + sys.argv[1]]()
    print("ok")
