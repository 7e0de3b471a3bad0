# SPDX-License-Identifier: Apache-2.0
"""boto3 end-to-end cases for function resource-based policies (AddPermission, RemovePermission, GetPolicy) and
their enforcement on Invoke, on a Nimbus server at NIMBUS_ENDPOINT signed with the seeded root key.

Usage: python permissions.py CASE. Reuses the helpers of invoke.py (same directory). The cross-account cases read the
other account's root key from NIMBUS_CREDENTIALS_FILE, profile nimbus-NIMBUS_OTHER_ACCOUNT (`nimbus account create`).
The expected documents and texts are AWS's, as recorded from AWS in LocalStack's validated snapshot
(tests/aws/services/lambda_/test_lambda_api.snapshot.json, TestLambdaPermissions).
"""
import configparser
import json
import os
import random
import string
import sys

import boto3
import botocore.config
import botocore.exceptions

from invoke import ACCOUNT, ENDPOINT, LAM, REGION, client, deploy, invoke_json

RAW = client(validate=False)
ECHO = {"app.py": "def handler(event, context):\n    return {'echo': event}\n"}
NOT_FOUND = "The resource you requested does not exist."


def error_of(call, **kwargs):
    try:
        call(**kwargs)
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    raise AssertionError(f"{call.__name__} succeeded: {kwargs}")


def arn(name, qualifier=None):
    base = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"
    return f"{base}:{qualifier}" if qualifier else base


def policy(name, **extra):
    response = LAM.get_policy(FunctionName=name, **extra)
    return json.loads(response["Policy"]), response["RevisionId"]


def case_round_trip_every_field():
    name = deploy(ECHO)
    added = LAM.add_permission(FunctionName=name, StatementId="s3", Action="lambda:InvokeFunction", Principal="s3.amazonaws.com",
                               SourceArn="arn:aws:s3:::test-bucket")
    assert added["ResponseMetadata"]["HTTPStatusCode"] == 201, added
    # AWS's statement for this call, field by field (the recorded add_permission of test_add_lambda_permission_aws).
    assert json.loads(added["Statement"]) == {
        "Sid": "s3", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "lambda:InvokeFunction",
        "Resource": arn(name), "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::test-bucket"}}}, added
    assert list(json.loads(added["Statement"])) == ["Sid", "Effect", "Principal", "Action", "Resource", "Condition"], added

    url = LAM.add_permission(FunctionName=name, StatementId="urlPermission", Action="lambda:InvokeFunctionUrl", Principal="*",
                             SourceArn="arn:aws:s3:::test-bucket", SourceAccount=ACCOUNT, PrincipalOrgID="o-1234567890",
                             FunctionUrlAuthType="NONE")
    statement = json.loads(url["Statement"])
    assert statement["Principal"] == "*", statement
    assert statement["Condition"] == {
        "StringEquals": {"AWS:SourceAccount": ACCOUNT, "lambda:FunctionUrlAuthType": "NONE", "aws:PrincipalOrgID": "o-1234567890"},
        "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::test-bucket"}}, statement
    assert list(statement["Condition"]["StringEquals"]) == ["AWS:SourceAccount", "lambda:FunctionUrlAuthType", "aws:PrincipalOrgID"]

    account = json.loads(LAM.add_permission(FunctionName=name, StatementId="account-id", Action="lambda:InvokeFunction",
                                            Principal="111122223333")["Statement"])
    assert account["Principal"] == {"AWS": "arn:aws:iam::111122223333:root"} and "Condition" not in account, account
    user = json.loads(LAM.add_permission(FunctionName=name, StatementId="user-arn", Action="lambda:InvokeFunction",
                                         Principal="arn:aws:iam::111122223333:user/alice", SourceAccount=ACCOUNT)["Statement"])
    assert user["Principal"] == {"AWS": "arn:aws:iam::111122223333:user/alice"}, user
    assert user["Condition"] == {"StringEquals": {"AWS:SourceAccount": ACCOUNT}}, user
    alexa = json.loads(LAM.add_permission(FunctionName=name, StatementId="alexaSkill", Action="lambda:InvokeFunction", Principal="*",
                                          EventSourceToken="amzn1.ask.skill.xxxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx")["Statement"])
    assert alexa["Condition"] == {"StringEquals": {"lambda:EventSourceToken": "amzn1.ask.skill.xxxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"}}, alexa
    via_url = json.loads(LAM.add_permission(FunctionName=name, StatementId="viaUrl", Action="lambda:InvokeFunction", Principal="*",
                                            InvokedViaFunctionUrl=True)["Statement"])
    assert via_url["Condition"] == {"Bool": {"lambda:InvokedViaFunctionUrl": "true"}}, via_url

    document, revision = policy(name)
    assert list(document) == ["Version", "Id", "Statement"] and document["Version"] == "2012-10-17" and document["Id"] == "default", document
    assert [s["Sid"] for s in document["Statement"]] == ["s3", "urlPermission", "account-id", "user-arn", "alexaSkill", "viaUrl"], document
    assert document["Statement"][0] == json.loads(added["Statement"]), document
    # The policy's revision is the function's.
    assert LAM.get_function(FunctionName=name)["Configuration"]["RevisionId"] == revision

    LAM.remove_permission(FunctionName=name, StatementId="urlPermission", RevisionId=revision)
    document, after = policy(name)
    assert after != revision and "urlPermission" not in [s["Sid"] for s in document["Statement"]], document
    for sid in ["s3", "account-id", "user-arn", "alexaSkill", "viaUrl"]:
        LAM.remove_permission(FunctionName=name, StatementId=sid)
    assert error_of(LAM.get_policy, FunctionName=name) == ("ResourceNotFoundException", NOT_FOUND, 404)


def case_errors():
    name = deploy(ECHO)
    bucket = "arn:aws:s3:::test-bucket"
    base = {"FunctionName": name, "Action": "lambda:InvokeFunction", "StatementId": "s3", "Principal": "s3.amazonaws.com"}
    assert error_of(RAW.add_permission, **{**base, "StatementId": "example.com"}) == (
        "ValidationException", "1 validation error detected: Value 'example.com' at 'statementId' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)", 400)
    assert error_of(LAM.add_permission, **{**base, "FunctionName": f"{name}:alias-not-42", "Qualifier": "42", "SourceArn": bucket}) == (
        "InvalidParameterValueException", "The derived qualifier from the function name does not match the specified qualifier.", 400)
    assert error_of(LAM.add_permission, **{**base, "FunctionName": f"{name}:$LATEST", "Qualifier": "$LATEST"}) == (
        "InvalidParameterValueException", "We currently do not support adding policies for $LATEST.", 400)
    assert error_of(LAM.add_permission, **{**base, "Principal": "invalid.nonaws.com", "SourceAccount": ACCOUNT}) == (
        "InvalidParameterValueException", "The provided principal was invalid. Please check the principal and try again.", 400)
    assert error_of(LAM.get_policy, FunctionName="doesnotexist") == ("ResourceNotFoundException", NOT_FOUND, 404)
    assert error_of(LAM.get_policy, FunctionName=name, Qualifier="77") == ("ResourceNotFoundException", NOT_FOUND, 404)
    assert error_of(LAM.add_permission, **{**base, "FunctionName": "doesnotexist"}) == (
        "ResourceNotFoundException", f"Function not found: {arn('doesnotexist')}", 404)
    assert error_of(LAM.remove_permission, FunctionName=name, StatementId="s3") == (
        "ResourceNotFoundException", "No policy is associated with the given resource.", 404)
    assert error_of(LAM.add_permission, **{**base, "FunctionName": f"{name}:alias-doesnotexist"}) == (
        "ResourceNotFoundException", f"Cannot find alias arn: {arn(name, 'alias-doesnotexist')}", 404)
    assert error_of(LAM.add_permission, **{**base, "Qualifier": "42"}) == (
        "ResourceNotFoundException", f"Function not found: {arn(name, '42')}", 404)
    assert error_of(RAW.add_permission, **{**base, "Qualifier": "invalid-qualifier-with-?-char"}) == (
        "ValidationException", "1 validation error detected: Value 'invalid-qualifier-with-?-char' at 'qualifier' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: \\$(LATEST(\\.PUBLISHED)?)|[a-zA-Z0-9-_$]+", 400)
    assert error_of(LAM.add_permission, **{**base, "Qualifier": "valid-with-$-but-doesnotexist"}) == (
        "ResourceNotFoundException", f"Function not found: {arn(name, 'valid-with-$-but-doesnotexist')}", 404)
    LAM.add_permission(**base)
    assert error_of(LAM.add_permission, **base) == (
        "ResourceConflictException",
        "The statement id (s3) provided already exists. Please provide a new statement id, or remove the existing statement.", 409)
    assert error_of(LAM.remove_permission, FunctionName="doesnotexist", StatementId="s3") == (
        "ResourceNotFoundException", f"No policy found for: {arn('doesnotexist')}", 404)
    assert error_of(LAM.remove_permission, FunctionName=name, StatementId="s3", Qualifier="alias-doesnotexist") == (
        "ResourceNotFoundException", f"Cannot find alias arn: {arn(name, 'alias-doesnotexist')}", 404)
    assert error_of(LAM.remove_permission, FunctionName=name, StatementId="non-existent") == (
        "ResourceNotFoundException", "Statement non-existent is not found in resource policy.", 404)
    assert error_of(LAM.add_permission, **{**base, "StatementId": "s3_2", "RevisionId": "wrong"}) == (
        "PreconditionFailedException",
        "The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id", 412)
    assert error_of(LAM.remove_permission, FunctionName=name, StatementId="s3", RevisionId="wrong") == (
        "PreconditionFailedException",
        "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id", 412)
    code, message, status = error_of(RAW.add_permission, **{**base, "StatementId": "s3_3", "Action": "s3:GetObject"})
    assert (code, status) == ("ValidationException", 400) and message.endswith(
        "at 'action' failed to satisfy constraint: Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])"), message
    assert error_of(LAM.add_permission, **{**base, "StatementId": "u", "Principal": "*", "FunctionUrlAuthType": "NONE"}) == (
        "InvalidParameterValueException", "FunctionUrlAuthType is only supported for lambda:InvokeFunctionUrl action", 400)


def case_policy_size_limit():
    name = deploy(ECHO)
    source = "arn:aws:s3:::" + "b" * 900
    for i in range(100):
        try:
            LAM.add_permission(FunctionName=name, StatementId=f"s{i}", Action="lambda:InvokeFunction", Principal="s3.amazonaws.com", SourceArn=source)
        except botocore.exceptions.ClientError as e:
            error = e.response["Error"]
            assert error["Code"] == "PolicyLengthExceededException" and e.response["ResponseMetadata"]["HTTPStatusCode"] == 400, e.response
            assert error["Message"].startswith("The final policy size (") and error["Message"].endswith(") is bigger than the limit (20480)."), error
            assert len(LAM.get_policy(FunctionName=name)["Policy"].encode()) <= 20480
            return
    raise AssertionError("no limit")


def case_versions_and_aliases():
    name = deploy(ECHO)
    grant = {"Action": "lambda:InvokeFunction", "StatementId": "s3", "Principal": "s3.amazonaws.com"}
    LAM.add_permission(FunctionName=name, **grant)
    version = LAM.publish_version(FunctionName=name)["Version"]
    # A published version does not take $LATEST's policy; each qualifier has its own (test_lambda_permission_fn_versioning).
    assert error_of(LAM.get_policy, FunctionName=name, Qualifier=version) == ("ResourceNotFoundException", NOT_FOUND, 404)
    LAM.add_permission(FunctionName=f"{name}:{version}", Qualifier=version, **grant)
    document, _ = policy(name, Qualifier=version)
    assert document["Statement"][0]["Resource"] == arn(name, version), document
    alias = LAM.create_alias(FunctionName=name, Name="permission-alias", FunctionVersion=version)
    assert error_of(LAM.add_permission, FunctionName=name, Qualifier="permission-alias", RevisionId="wrong", **grant) == (
        "PreconditionFailedException",
        "The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id", 412)
    LAM.add_permission(FunctionName=f"{name}:permission-alias", Qualifier="permission-alias", RevisionId=alias["RevisionId"], **grant)
    document, revision = policy(name, Qualifier="permission-alias")
    assert document["Statement"][0]["Resource"] == arn(name, "permission-alias"), document
    assert LAM.get_alias(FunctionName=name, Name="permission-alias")["RevisionId"] == revision
    document, _ = policy(name)
    assert document["Statement"][0]["Resource"] == arn(name), document

    # Gone with the alias: a new alias of the same name starts without one.
    LAM.delete_alias(FunctionName=name, Name="permission-alias")
    LAM.create_alias(FunctionName=name, Name="permission-alias", FunctionVersion=version)
    assert error_of(LAM.get_policy, FunctionName=name, Qualifier="permission-alias") == ("ResourceNotFoundException", NOT_FOUND, 404)


def case_fuzz_add_permission():
    """Random and malformed AddPermission inputs: an AWS error or a 201, never a 5xx."""
    name = deploy(ECHO)
    rng = random.Random(12)
    alphabet = string.ascii_letters + string.digits + "-_.:*/ $@!\"'{}[]\\\n\u00e9\u4e2d"

    def text():
        kind = rng.random()
        if kind < 0.1:
            return ""
        if kind < 0.2:
            return rng.choice(["*", "s3.amazonaws.com", "123456789012", "arn:aws:iam::123456789012:root", "lambda:InvokeFunction",
                               "lambda:*", "arn:aws:s3:::b", "o-abcdefghij", "NONE", "AWS_IAM", "$LATEST", "1"])
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, rng.choice([5, 40, 300]))))

    fields = ["StatementId", "Action", "Principal", "SourceArn", "SourceAccount", "EventSourceToken", "PrincipalOrgID",
              "FunctionUrlAuthType", "RevisionId", "Qualifier"]
    codes = set()
    for i in range(250):
        args = {"FunctionName": name}
        for field in fields:
            if rng.random() < 0.6:
                args[field] = text()
        if rng.random() < 0.3:
            args["InvokedViaFunctionUrl"] = rng.choice([True, False])
        try:
            RAW.add_permission(**args)
            codes.add(201)
        except botocore.exceptions.ClientError as e:
            status = e.response["ResponseMetadata"]["HTTPStatusCode"]
            assert 400 <= status < 500, (args, e.response)
            codes.add(e.response["Error"]["Code"])
        except botocore.exceptions.ParamValidationError:
            pass
    assert "ValidationException" in codes, codes
    # Whatever was added still reads back as a document the parser accepts.
    try:
        document, _ = policy(name)
        assert document["Id"] == "default"
    except botocore.exceptions.ClientError as e:
        assert e.response["Error"]["Code"] == "ResourceNotFoundException"


def other_account():
    account = os.environ["NIMBUS_OTHER_ACCOUNT"]
    credentials = configparser.ConfigParser()
    credentials.read(os.environ["NIMBUS_CREDENTIALS_FILE"])
    profile = credentials[f"nimbus-{account}"]
    lam = boto3.client("lambda", endpoint_url=ENDPOINT, region_name=REGION, aws_access_key_id=profile["aws_access_key_id"],
                       aws_secret_access_key=profile["aws_secret_access_key"],
                       config=botocore.config.Config(retries={"max_attempts": 1}, read_timeout=60))
    return account, lam


def denied(account, resource):
    return ("AccessDeniedException", f"User: arn:aws:iam::{account}:root is not authorized to perform: lambda:InvokeFunction on resource: "
            f"{resource} because no resource-based policy allows the lambda:InvokeFunction action", 403)


def case_cross_account_invoke():
    account, other = other_account()
    name = deploy(ECHO)
    target = arn(name)

    # Before any grant: refused, and a function that does not exist is refused the same way (nothing leaks).
    assert error_of(other.invoke, FunctionName=target, Payload=b"{}") == denied(account, target)
    assert error_of(other.invoke, FunctionName=arn("no-such-function"), Payload=b"{}") == denied(account, arn("no-such-function"))
    # The other account's own view holds none of this account's functions.
    assert name not in [f["FunctionName"] for f in other.list_functions()["Functions"]]

    LAM.add_permission(FunctionName=name, StatementId="other", Action="lambda:InvokeFunction", Principal=account)
    response = other.invoke(FunctionName=target, Payload=json.dumps({"from": account}).encode())
    assert json.loads(response["Payload"].read()) == {"echo": {"from": account}}, response
    assert other.invoke(FunctionName=target, InvocationType="Event", Payload=b"{}")["StatusCode"] == 202
    assert other.invoke(FunctionName=target, InvocationType="DryRun", Payload=b"{}")["StatusCode"] == 204

    # The grant is for the function ($LATEST) only: an alias has its own policy.
    version = LAM.publish_version(FunctionName=name)["Version"]
    LAM.create_alias(FunctionName=name, Name="live", FunctionVersion=version)
    assert error_of(other.invoke, FunctionName=f"{target}:live", Payload=b"{}") == denied(account, f"{target}:live")
    LAM.add_permission(FunctionName=name, Qualifier="live", StatementId="other", Action="lambda:InvokeFunction", Principal=account)
    assert json.loads(other.invoke(FunctionName=target, Qualifier="live", Payload=b"{}")["Payload"].read()) == {"echo": {}}

    # Reading the function is not granted by an invoke grant.
    code, _, status = error_of(other.get_function, FunctionName=target)
    assert (code, status) == ("AccessDeniedException", 403), code

    LAM.remove_permission(FunctionName=name, StatementId="other")
    assert error_of(other.invoke, FunctionName=target, Payload=b"{}") == denied(account, target)
    # Within its own account the root is unaffected by the policy.
    assert invoke_json(name, {"a": 1}) == {"echo": {"a": 1}}


def case_other_account_has_its_own_functions():
    account, other = other_account()
    name = f"mine-{random.randrange(10**9)}"
    # The execution role must exist in that account and trust Lambda, as on AWS.
    credentials = configparser.ConfigParser()
    credentials.read(os.environ["NIMBUS_CREDENTIALS_FILE"])
    profile = credentials[f"nimbus-{account}"]
    other_iam = boto3.client("iam", endpoint_url=ENDPOINT, region_name=REGION, aws_access_key_id=profile["aws_access_key_id"],
                             aws_secret_access_key=profile["aws_secret_access_key"])
    role = other_iam.create_role(RoleName=f"own-{name}", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    assert role == f"arn:aws:iam::{account}:role/own-{name}", role
    other.create_function(FunctionName=name, Runtime="python3.11", Role=role, Handler="app.handler",
                          Code={"ZipFile": __import__("invoke").make_zip(ECHO)})
    other.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 150})
    config = other.get_function_configuration(FunctionName=name)
    assert config["FunctionArn"] == f"arn:aws:lambda:{REGION}:{account}:function:{name}", config
    assert error_of(LAM.get_function, FunctionName=name)[0] == "ResourceNotFoundException"
    assert json.loads(other.invoke(FunctionName=name, Payload=b"{}")["Payload"].read()) == {"echo": {}}
    # And the other way round: the first account needs the second's grant.
    foreign = config["FunctionArn"]
    assert error_of(LAM.invoke, FunctionName=foreign, Payload=b"{}") == denied(ACCOUNT, foreign)
    other.add_permission(FunctionName=name, StatementId="first", Action="lambda:InvokeFunction", Principal=f"arn:aws:iam::{ACCOUNT}:root")
    assert json.loads(LAM.invoke(FunctionName=foreign, Payload=b"{}")["Payload"].read()) == {"echo": {}}
    other.delete_function(FunctionName=name)


def case_same_account_user_needs_an_allow_in_either_policy():
    iam = boto3.client("iam", endpoint_url=ENDPOINT, region_name=REGION, config=botocore.config.Config(retries={"max_attempts": 1}))
    user = f"alice-{random.randrange(10**9)}"
    user_arn = iam.create_user(UserName=user)["User"]["Arn"]
    key = iam.create_access_key(UserName=user)["AccessKey"]
    alice = boto3.client("lambda", endpoint_url=ENDPOINT, region_name=REGION, aws_access_key_id=key["AccessKeyId"],
                         aws_secret_access_key=key["SecretAccessKey"], config=botocore.config.Config(retries={"max_attempts": 1}))
    name = deploy(ECHO)
    no_identity = ("AccessDeniedException", f"User: {user_arn} is not authorized to perform: lambda:InvokeFunction on resource: {arn(name)} "
                   "because no identity-based policy allows the lambda:InvokeFunction action", 403)
    assert error_of(alice.invoke, FunctionName=name, Payload=b"{}") == no_identity

    # A statement naming only the account delegates to the account's identity policies: still refused.
    LAM.add_permission(FunctionName=name, StatementId="account", Action="lambda:InvokeFunction", Principal=ACCOUNT)
    assert error_of(alice.invoke, FunctionName=name, Payload=b"{}") == no_identity
    # A statement naming the user is enough on its own within the account.
    LAM.add_permission(FunctionName=name, StatementId="alice", Action="lambda:InvokeFunction", Principal=user_arn)
    assert json.loads(alice.invoke(FunctionName=name, Payload=b"{}")["Payload"].read()) == {"echo": {}}
    LAM.remove_permission(FunctionName=name, StatementId="alice")
    assert error_of(alice.invoke, FunctionName=name, Payload=b"{}") == no_identity
    # ...as is an identity-based Allow without any statement for the user.
    iam.put_user_policy(UserName=user, PolicyName="invoke", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": arn(name)}]}))
    assert json.loads(alice.invoke(FunctionName=name, Payload=b"{}")["Payload"].read()) == {"echo": {}}


def case_function_policy_grants_other_actions_to_a_user():
    iam = boto3.client("iam", endpoint_url=ENDPOINT, region_name=REGION, config=botocore.config.Config(retries={"max_attempts": 1}))
    user = f"bob-{random.randrange(10**9)}"
    user_arn = iam.create_user(UserName=user)["User"]["Arn"]
    key = iam.create_access_key(UserName=user)["AccessKey"]
    bob = boto3.client("lambda", endpoint_url=ENDPOINT, region_name=REGION, aws_access_key_id=key["AccessKeyId"],
                       aws_secret_access_key=key["SecretAccessKey"], config=botocore.config.Config(retries={"max_attempts": 1}))
    name = deploy(ECHO)
    denied = ("AccessDeniedException", f"User: {user_arn} is not authorized to perform: lambda:GetFunctionConfiguration on resource: "
              f"{arn(name)} because no identity-based policy allows the lambda:GetFunctionConfiguration action", 403)
    assert error_of(bob.get_function_configuration, FunctionName=name) == denied
    # Within the account a function policy naming the user grants the action without any identity-based policy...
    LAM.add_permission(FunctionName=name, StatementId="bob", Action="lambda:GetFunctionConfiguration", Principal=user_arn)
    assert bob.get_function_configuration(FunctionName=name)["FunctionName"] == name
    # ...only that action...
    assert error_of(bob.delete_function, FunctionName=name)[0] == "AccessDeniedException"
    # ...and only while the statement is there.
    LAM.remove_permission(FunctionName=name, StatementId="bob")
    assert error_of(bob.get_function_configuration, FunctionName=name) == denied


if __name__ == "__main__":
    globals()["case_" + sys.argv[1]]()
    print("ok")
