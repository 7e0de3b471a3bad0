# SPDX-License-Identifier: Apache-2.0
"""IAM and STS state across a kill -9 of the server at NIMBUS_ENDPOINT.

python iam_restart.py before   -> makes a user with an active and an inactive key and a role session; prints them as JSON
python iam_restart.py after J  -> checks that all of them still work (or are still refused) as before the kill
"""
import json
import os
import sys
import uuid

import boto3
import botocore.config
import botocore.exceptions

ENDPOINT = os.environ["NIMBUS_ENDPOINT"]
REGION = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
CONFIG = botocore.config.Config(retries={"max_attempts": 1})


def client(service, key=None, secret=None, token=None):
    kwargs = {} if key is None else {"aws_access_key_id": key, "aws_secret_access_key": secret, "aws_session_token": token}
    return boto3.client(service, endpoint_url=ENDPOINT, region_name=REGION, config=CONFIG, **kwargs)


def before():
    iam = client("iam")
    user = f"durable-{uuid.uuid4().hex[:8]}"
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="p", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["iam:GetUser", "sts:AssumeRole"], "Resource": "*"}]}))
    active = iam.create_access_key(UserName=user)["AccessKey"]
    inactive = iam.create_access_key(UserName=user)["AccessKey"]
    iam.update_access_key(UserName=user, AccessKeyId=inactive["AccessKeyId"], Status="Inactive")
    iam.create_role(RoleName=user, AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::000000000000:user/{user}"}, "Action": "sts:AssumeRole"}]}))
    session = client("sts", active["AccessKeyId"], active["SecretAccessKey"]).assume_role(
        RoleArn=f"arn:aws:iam::000000000000:role/{user}", RoleSessionName="durable")["Credentials"]
    print(json.dumps({"user": user, "active": [active["AccessKeyId"], active["SecretAccessKey"]],
                      "inactive": [inactive["AccessKeyId"], inactive["SecretAccessKey"]],
                      "session": [session["AccessKeyId"], session["SecretAccessKey"], session["SessionToken"]]}))


def after(state):
    state = json.loads(state)
    user = state["user"]
    if client("iam", *state["active"]).get_user()["User"]["UserName"] != user:
        raise AssertionError("user")
    me = client("sts", *state["session"]).get_caller_identity()
    if me["Arn"] != f"arn:aws:sts::000000000000:assumed-role/{user}/durable":
        raise AssertionError(me)
    try:
        client("sts", *state["inactive"]).get_caller_identity()
        raise AssertionError("an inactive key worked after the restart")
    except botocore.exceptions.ClientError as e:
        if e.response["Error"]["Code"] != "InvalidClientTokenId":
            raise
    statuses = {k["AccessKeyId"]: k["Status"] for k in client("iam").list_access_keys(UserName=user)["AccessKeyMetadata"]}
    if statuses != {state["active"][0]: "Active", state["inactive"][0]: "Inactive"}:
        raise AssertionError(statuses)


if __name__ == "__main__":
    if sys.argv[1] == "before":
        before()
    else:
        after(sys.argv[2])
        print("ok")
