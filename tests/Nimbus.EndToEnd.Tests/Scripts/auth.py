# SPDX-License-Identifier: Apache-2.0
"""boto3 end-to-end cases for SigV4 authentication on a Nimbus server at NIMBUS_ENDPOINT (Auth=iam, root key seeded).

Usage: python auth.py CASE. Reuses the helpers of invoke.py (same directory).
"""
import datetime
import json
import os
import sys
from unittest import mock

import boto3
import botocore
import botocore.auth
import botocore.config
import botocore.exceptions

from invoke import ENDPOINT, REGION, deploy, invoke_json

CONFIG = botocore.config.Config(retries={"max_attempts": 1})
KEY = os.environ["AWS_ACCESS_KEY_ID"]
SECRET = os.environ["AWS_SECRET_ACCESS_KEY"]
INVALID_TOKEN = "The security token included in the request is invalid."
MISMATCH = ("The request signature we calculated does not match the signature you provided. Check your AWS Secret "
            "Access Key and signing method. Consult the service documentation for details.")


def lam(key=KEY, secret=SECRET, token=None, signed=True):
    config = CONFIG if signed else CONFIG.merge(botocore.config.Config(signature_version=botocore.UNSIGNED))
    return boto3.client("lambda", endpoint_url=ENDPOINT, region_name=REGION, aws_access_key_id=key,
                        aws_secret_access_key=secret, aws_session_token=token, config=config)


def sqs(key=KEY, secret=SECRET):
    return boto3.client("sqs", endpoint_url=ENDPOINT, region_name=REGION, aws_access_key_id=key,
                        aws_secret_access_key=secret, config=CONFIG)


def expect(call, code, status, message=None):
    try:
        call()
    except botocore.exceptions.ClientError as e:
        error = e.response["Error"]
        if error["Code"] != code or e.response["ResponseMetadata"]["HTTPStatusCode"] != status:
            raise AssertionError((code, status, e.response)) from e
        if message is not None and error.get("Message") != message:
            raise AssertionError((message, error)) from e
        return error
    raise AssertionError(f"expected {code}")


def case_right_key_works():
    functions = lam().list_functions()
    if "Functions" not in functions:
        raise AssertionError(functions)
    if "QueueUrls" not in sqs().list_queues() and sqs().list_queues()["ResponseMetadata"]["HTTPStatusCode"] != 200:
        raise AssertionError("sqs")


def case_unknown_key_is_unrecognized():
    expect(lambda: lam(key="AKIAUNKNOWNKEY000000").list_functions(), "UnrecognizedClientException", 403, INVALID_TOKEN)
    expect(lambda: sqs(key="AKIAUNKNOWNKEY000000").list_queues(), "InvalidClientTokenId", 403, INVALID_TOKEN)


def case_wrong_secret_is_invalid_signature():
    expect(lambda: lam(secret=SECRET + "x").list_functions(), "InvalidSignatureException", 403, MISMATCH)
    expect(lambda: sqs(secret=SECRET + "x").list_queues(), "SignatureDoesNotMatch", 403, MISMATCH)


def case_missing_credentials_are_refused():
    expect(lambda: lam(signed=False).list_functions(), "MissingAuthenticationTokenException", 403, "Missing Authentication Token")


def case_tampered_body_is_refused():
    name = deploy({"app.py": "def handler(event, context):\n    return event\n"})
    client = lam()

    def tamper(request, **kwargs):
        request.body = b'{"tampered": true}'
        request.headers["Content-Length"] = str(len(request.body))

    client.meta.events.register_last("before-send.lambda.Invoke", tamper)
    expect(lambda: client.invoke(FunctionName=name, Payload=b'{"a": 1}'), "InvalidSignatureException", 403, MISMATCH)
    if invoke_json(name, {"a": 1}) != {"a": 1}:
        raise AssertionError("the untampered invoke")


def case_stale_date_is_expired():
    stale = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - datetime.timedelta(minutes=20)
    with mock.patch("botocore.auth.get_current_datetime", return_value=stale):
        error = expect(lambda: lam().list_functions(), "InvalidSignatureException", 403)
    if not error["Message"].startswith("Signature expired: " + stale.strftime("%Y%m%dT%H%M%SZ") + " is now earlier than "):
        raise AssertionError(error)
    if not error["Message"].endswith(" - 15 min.)"):
        raise AssertionError(error)


def case_function_calls_back_with_its_role_session():
    # The handler's boto3 signs with the environment's temporary credentials (AWS_SESSION_TOKEN included).
    code = ("import boto3, os\n"
            "def handler(event, context):\n"
            "    names = [f['FunctionName'] for f in boto3.client('lambda').list_functions()['Functions']]\n"
            "    return {'self': context.function_name in names, 'key': os.environ['AWS_ACCESS_KEY_ID'][:4],\n"
            "            'token': bool(os.environ.get('AWS_SESSION_TOKEN'))}\n")
    name = deploy({"app.py": code}, Timeout=30)
    result = invoke_json(name, {})
    if result != {"self": True, "key": "ASIA", "token": True}:
        raise AssertionError(result)


def case_session_key_without_its_token_is_refused():
    code = ("import os, json\n"
            "def handler(event, context):\n"
            "    return {k: os.environ[k] for k in ('AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN')}\n")
    name = deploy({"app.py": code})
    credentials = invoke_json(name, {})
    with_token = lam(credentials["AWS_ACCESS_KEY_ID"], credentials["AWS_SECRET_ACCESS_KEY"], credentials["AWS_SESSION_TOKEN"])
    if "Functions" not in with_token.list_functions():
        raise AssertionError("the session's own credentials")
    expect(lambda: lam(credentials["AWS_ACCESS_KEY_ID"], credentials["AWS_SECRET_ACCESS_KEY"]).list_functions(),
           "UnrecognizedClientException", 403, INVALID_TOKEN)
    expect(lambda: lam(credentials["AWS_ACCESS_KEY_ID"], credentials["AWS_SECRET_ACCESS_KEY"], "forged").list_functions(),
           "UnrecognizedClientException", 403, INVALID_TOKEN)


def case_presigned_request_works():
    client = lam()
    url = client.generate_presigned_url("list_functions", Params={}, ExpiresIn=60)
    import urllib.request
    with urllib.request.urlopen(url) as response:
        if "Functions" not in json.loads(response.read()):
            raise AssertionError("presigned list_functions")


if __name__ == "__main__":
    globals()["case_" + sys.argv[1]]()
    print("ok")
