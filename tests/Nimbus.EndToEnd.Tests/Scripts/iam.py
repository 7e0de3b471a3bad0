# SPDX-License-Identifier: Apache-2.0
"""boto3 end-to-end cases for IAM and STS on a Nimbus server at NIMBUS_ENDPOINT (Auth=iam, root key seeded).

Usage: python iam.py CASE. Each case makes its own users, roles and policies (names with a random suffix).
"""
import json
import os
import random
import sys
import urllib.error
import urllib.request
import uuid

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.config
import botocore.credentials
import botocore.exceptions

from auth import expect

ENDPOINT = os.environ["NIMBUS_ENDPOINT"]
REGION = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
ACCOUNT = "000000000000"
CONFIG = botocore.config.Config(retries={"max_attempts": 1})
INVALID_TOKEN = "The security token included in the request is invalid."


def client(service, key=None, secret=None, token=None, validate=True):
    kwargs = {}
    if key is not None:
        kwargs = {"aws_access_key_id": key, "aws_secret_access_key": secret, "aws_session_token": token}
    config = CONFIG if validate else CONFIG.merge(botocore.config.Config(parameter_validation=False))
    return boto3.client(service, endpoint_url=ENDPOINT, region_name=REGION, config=config, **kwargs)


IAM = client("iam")


def name(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*"):
    return {"Effect": "Allow", "Action": action, "Resource": resource}




def equal(expected, actual):
    if expected != actual:
        raise AssertionError(f"expected {expected!r}, got {actual!r}")


def user_with_key(user_name, document=None):
    IAM.create_user(UserName=user_name)
    if document is not None:
        IAM.put_user_policy(UserName=user_name, PolicyName="p", PolicyDocument=document)
    key = IAM.create_access_key(UserName=user_name)["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def denied(user_name, action, resource, kind="user"):
    principal = f"arn:aws:iam::{ACCOUNT}:{kind}/{user_name}"
    return (f"User: {principal} is not authorized to perform: {action} on resource: {resource} "
            f"because no identity-based policy allows the {action} action")


def case_user_key_lifecycle():
    user = name("alice")
    created = IAM.create_user(UserName=user, Path="/team/")["User"]
    equal(f"arn:aws:iam::{ACCOUNT}:user/team/{user}", created["Arn"])
    if not (created["UserId"].startswith("AIDA") and len(created["UserId"]) == 21):
        raise AssertionError(created)
    expect(lambda: IAM.create_user(UserName=user.upper()), "EntityAlreadyExists", 409, f"User with name {user.upper()} already exists.")

    key = IAM.create_access_key(UserName=user)["AccessKey"]
    if not (key["AccessKeyId"].startswith("AKIA") and len(key["SecretAccessKey"]) == 40 and key["Status"] == "Active"):
        raise AssertionError(key)
    sts = client("sts", key["AccessKeyId"], key["SecretAccessKey"])
    me = sts.get_caller_identity()
    equal((created["Arn"], created["UserId"], ACCOUNT), (me["Arn"], me["UserId"], me["Account"]))
    # Without a UserName, GetUser and ListAccessKeys are about the caller (who may ask about itself only if allowed).
    expect(lambda: client("iam", key["AccessKeyId"], key["SecretAccessKey"]).get_user(), "AccessDenied", 403,
           denied(f"team/{user}", "iam:GetUser", created["Arn"]))

    IAM.create_access_key(UserName=user)
    expect(lambda: IAM.create_access_key(UserName=user), "LimitExceeded", 409, "Cannot exceed quota for AccessKeysPerUser: 2")
    equal(2, len(IAM.list_access_keys(UserName=user)["AccessKeyMetadata"]))

    IAM.update_access_key(UserName=user, AccessKeyId=key["AccessKeyId"], Status="Inactive")
    expect(sts.get_caller_identity, "InvalidClientTokenId", 403, INVALID_TOKEN)
    IAM.update_access_key(UserName=user, AccessKeyId=key["AccessKeyId"], Status="Active")
    equal(created["Arn"], sts.get_caller_identity()["Arn"])

    expect(lambda: IAM.delete_user(UserName=user), "DeleteConflict", 409, "Cannot delete entity, must delete access keys first.")
    for meta in IAM.list_access_keys(UserName=user)["AccessKeyMetadata"]:
        IAM.delete_access_key(UserName=user, AccessKeyId=meta["AccessKeyId"])
    expect(sts.get_caller_identity, "InvalidClientTokenId", 403, INVALID_TOKEN)
    expect(lambda: IAM.delete_access_key(UserName=user, AccessKeyId=key["AccessKeyId"]), "NoSuchEntity", 404,
           f"The Access Key with id {key['AccessKeyId']} cannot be found.")
    IAM.delete_user(UserName=user)
    expect(lambda: IAM.get_user(UserName=user), "NoSuchEntity", 404, f"The user with name {user} cannot be found.")


def case_inline_policy_allows_get_user_not_list_users():
    user = name("bob")
    key, secret = user_with_key(user, policy(allow("iam:GetUser", f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}")))
    iam = client("iam", key, secret)
    equal(user, iam.get_user()["User"]["UserName"])
    equal(user, iam.get_user(UserName=user)["User"]["UserName"])
    expect(iam.list_users, "AccessDenied", 403, denied(user, "iam:ListUsers", f"arn:aws:iam::{ACCOUNT}:user/"))
    other = f"arn:aws:iam::{ACCOUNT}:user/someone-else"
    expect(lambda: iam.get_user(UserName="someone-else"), "AccessDenied", 403, denied(user, "iam:GetUser", other))

    document = IAM.get_user_policy(UserName=user, PolicyName="p")["PolicyDocument"]
    equal("${aws:username}", document["Statement"][0]["Resource"].split("/")[-1])
    equal(["p"], IAM.list_user_policies(UserName=user)["PolicyNames"])
    expect(lambda: IAM.put_user_policy(UserName=user, PolicyName="bad", PolicyDocument="{not json"),
           "MalformedPolicyDocument", 400, "Syntax errors in policy.")
    expect(lambda: IAM.put_user_policy(UserName=user, PolicyName="bad", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:*", "Resource": "*", "Principal": "*"}]})),
        "MalformedPolicyDocument", 400, "Policy document should not specify a principal.")
    expect(lambda: IAM.get_user_policy(UserName=user, PolicyName="nope"), "NoSuchEntity", 404,
           "The user policy with name nope cannot be found.")
    expect(lambda: IAM.delete_user(UserName="x" * 65), "ValidationError", 400)
    expect(lambda: IAM.create_user(UserName="a b"), "ValidationError", 400,
           "1 validation error detected: Value 'a b' at 'userName' failed to satisfy constraint: "
           "Member must satisfy regular expression pattern: [\\w+=,.@-]+")


def case_managed_policy_attach_detach():
    user = name("carol")
    key, secret = user_with_key(user)
    iam = client("iam", key, secret)
    listing = f"arn:aws:iam::{ACCOUNT}:user/"
    expect(iam.list_users, "AccessDenied", 403, denied(user, "iam:ListUsers", listing))

    created = IAM.create_policy(PolicyName=name("list"), PolicyDocument=policy(allow("iam:ListUsers")), Description="d")["Policy"]
    arn = created["Arn"]
    if not (created["PolicyId"].startswith("ANPA") and created["DefaultVersionId"] == "v1" and created["AttachmentCount"] == 0):
        raise AssertionError(created)
    IAM.attach_user_policy(UserName=user, PolicyArn=arn)
    iam.list_users()
    equal([arn], [p["PolicyArn"] for p in IAM.list_attached_user_policies(UserName=user)["AttachedPolicies"]])
    equal(1, IAM.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"])
    if arn not in [p["Arn"] for p in IAM.list_policies(Scope="Local", OnlyAttached=True)["Policies"]]:
        raise AssertionError("attached policy not listed")
    equal([], IAM.list_policies(Scope="AWS")["Policies"])

    v2 = IAM.create_policy_version(PolicyArn=arn, PolicyDocument=policy(allow("iam:GetUser")), SetAsDefault=True)["PolicyVersion"]
    equal(("v2", True), (v2["VersionId"], v2["IsDefaultVersion"]))
    expect(iam.list_users, "AccessDenied", 403, denied(user, "iam:ListUsers", listing))
    equal("iam:GetUser", IAM.get_policy_version(PolicyArn=arn, VersionId="v2")["PolicyVersion"]["Document"]["Statement"][0]["Action"])
    IAM.set_default_policy_version(PolicyArn=arn, VersionId="v1")
    iam.list_users()
    expect(lambda: IAM.delete_policy_version(PolicyArn=arn, VersionId="v1"), "DeleteConflict", 409,
           "Cannot delete the default version of a policy.")
    for _ in range(3):
        IAM.create_policy_version(PolicyArn=arn, PolicyDocument=policy(allow("iam:GetUser")))
    expect(lambda: IAM.create_policy_version(PolicyArn=arn, PolicyDocument=policy(allow("iam:GetUser"))), "LimitExceeded", 409,
           "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.")
    equal(["v5", "v4", "v3", "v2", "v1"], [v["VersionId"] for v in IAM.list_policy_versions(PolicyArn=arn)["Versions"]])

    expect(lambda: IAM.delete_policy(PolicyArn=arn), "DeleteConflict", 409, "Cannot delete a policy attached to entities.")
    IAM.detach_user_policy(UserName=user, PolicyArn=arn)
    expect(iam.list_users, "AccessDenied", 403, denied(user, "iam:ListUsers", listing))
    expect(lambda: IAM.detach_user_policy(UserName=user, PolicyArn=arn), "NoSuchEntity", 404, f"Policy {arn} was not found.")
    missing = f"arn:aws:iam::{ACCOUNT}:policy/missing"
    expect(lambda: IAM.attach_user_policy(UserName=user, PolicyArn=missing), "NoSuchEntity", 404,
           f"Policy {missing} does not exist or is not attachable.")
    expect(lambda: IAM.delete_policy(PolicyArn=arn), "DeleteConflict", 409)
    for version in ("v2", "v3", "v4", "v5"):
        IAM.delete_policy_version(PolicyArn=arn, VersionId=version)
    IAM.delete_policy(PolicyArn=arn)
    expect(lambda: IAM.get_policy(PolicyArn=arn), "NoSuchEntity", 404, f"Policy {arn} was not found.")


def case_groups_grant_their_policies():
    user = name("dave")
    group = name("admins")
    key, secret = user_with_key(user)
    iam = client("iam", key, secret)
    IAM.create_group(GroupName=group)
    IAM.put_group_policy(GroupName=group, PolicyName="roles", PolicyDocument=policy(allow("iam:ListRoles")))
    expect(iam.list_roles, "AccessDenied", 403, denied(user, "iam:ListRoles", f"arn:aws:iam::{ACCOUNT}:role/"))
    IAM.add_user_to_group(GroupName=group, UserName=user)
    iam.list_roles()
    equal([user], [u["UserName"] for u in IAM.get_group(GroupName=group)["Users"]])
    equal([group], [g["GroupName"] for g in IAM.list_groups_for_user(UserName=user)["Groups"]])
    expect(lambda: IAM.delete_group(GroupName=group), "DeleteConflict", 409, "Cannot delete entity, must remove users from group first.")
    IAM.remove_user_from_group(GroupName=group, UserName=user)
    expect(iam.list_roles, "AccessDenied", 403)
    expect(lambda: IAM.delete_group(GroupName=group), "DeleteConflict", 409, "Cannot delete entity, must delete policies first.")
    IAM.delete_group_policy(GroupName=group, PolicyName="roles")
    IAM.delete_group(GroupName=group)


def trust(principal):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}]})


def case_assume_role_by_trust_policy():
    trusted = name("erin")
    stranger = name("frank")
    role = name("reader")
    trusted_key = user_with_key(trusted)
    stranger_key = user_with_key(stranger, policy(allow("sts:AssumeRole")))
    created = IAM.create_role(RoleName=role, AssumeRolePolicyDocument=trust(f"arn:aws:iam::{ACCOUNT}:user/{trusted}"),
                              MaxSessionDuration=7200, Description="reads")["Role"]
    if not (created["RoleId"].startswith("AROA") and len(created["RoleId"]) == 21):
        raise AssertionError(created)
    IAM.put_role_policy(RoleName=role, PolicyName="roles", PolicyDocument=policy(allow("iam:ListRoles")))
    role_arn = created["Arn"]

    # Named in the trust policy: allowed without any identity-based policy of its own.
    assumed = client("sts", *trusted_key).assume_role(RoleArn=role_arn, RoleSessionName="s1", DurationSeconds=900)
    credentials = assumed["Credentials"]
    if not (credentials["AccessKeyId"].startswith("ASIA") and credentials["SessionToken"]):
        raise AssertionError(assumed)
    session_arn = f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/s1"
    equal((session_arn, f"{created['RoleId']}:s1"), (assumed["AssumedRoleUser"]["Arn"], assumed["AssumedRoleUser"]["AssumedRoleId"]))
    session = (credentials["AccessKeyId"], credentials["SecretAccessKey"], credentials["SessionToken"])
    me = client("sts", *session).get_caller_identity()
    equal((session_arn, f"{created['RoleId']}:s1"), (me["Arn"], me["UserId"]))
    client("iam", *session).list_roles()
    expect(client("iam", *session).list_users, "AccessDenied", 403,
           f"User: {session_arn} is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::{ACCOUNT}:user/ "
           "because no identity-based policy allows the iam:ListUsers action")
    expect(lambda: client("sts", session[0], session[1]).get_caller_identity(), "InvalidClientTokenId", 403, INVALID_TOKEN)

    # Not named, even with an identity-based Allow: refused.
    expect(lambda: client("sts", *stranger_key).assume_role(RoleArn=role_arn, RoleSessionName="s2"), "AccessDenied", 403)
    # Trusting the account: an identity-based Allow is needed as well, and enough.
    IAM.update_assume_role_policy(RoleName=role, PolicyDocument=trust(f"arn:aws:iam::{ACCOUNT}:root"))
    client("sts", *stranger_key).assume_role(RoleArn=role_arn, RoleSessionName="s2")
    expect(lambda: client("sts", *trusted_key).assume_role(RoleArn=role_arn, RoleSessionName="s3"), "AccessDenied", 403,
           f"User: arn:aws:iam::{ACCOUNT}:user/{trusted} is not authorized to perform: sts:AssumeRole on resource: {role_arn} "
           "because no identity-based policy allows the sts:AssumeRole action")

    sts = client("sts", *stranger_key, validate=False)
    expect(lambda: sts.assume_role(RoleArn=role_arn, RoleSessionName="bad name"), "ValidationError", 400,
           "1 validation error detected: Value 'bad name' at 'roleSessionName' failed to satisfy constraint: "
           "Member must satisfy regular expression pattern: [\\w+=,.@-]*")
    expect(lambda: sts.assume_role(RoleArn=role_arn, RoleSessionName="ok", DurationSeconds=800), "ValidationError", 400,
           "1 validation error detected: Value '800' at 'durationSeconds' failed to satisfy constraint: "
           "Member must have value greater than or equal to 900")
    expect(lambda: sts.assume_role(RoleArn=role_arn, RoleSessionName="ok", DurationSeconds=7201), "ValidationError", 400,
           "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
    expect(lambda: sts.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/missing-role", RoleSessionName="ok"), "AccessDenied", 403)
    expect(lambda: client("sts").assume_role(RoleArn=role_arn, RoleSessionName="ok"), "AccessDenied", 403,
           "Roles may not be assumed by root accounts.")
    expect(lambda: IAM.delete_role(RoleName=role), "DeleteConflict", 409, "Cannot delete entity, must delete policies first.")


def signed_post(body, service="iam"):
    credentials = botocore.credentials.Credentials(os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"])
    request = botocore.awsrequest.AWSRequest(method="POST", url=ENDPOINT + "/", data=body,
                                             headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    botocore.auth.SigV4Auth(credentials, service, REGION).add_auth(request)
    prepared = request.prepare()
    http = urllib.request.Request(prepared.url, data=prepared.body, headers=dict(prepared.headers), method="POST")
    try:
        with urllib.request.urlopen(http, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def case_malformed_forms_get_aws_errors():
    rng = random.Random(11)
    actions = ["CreateUser", "GetUser", "DeleteUser", "PutUserPolicy", "CreatePolicy", "CreatePolicyVersion", "AttachUserPolicy",
               "CreateRole", "UpdateAccessKey", "ListUsers", "ListPolicies", "GetPolicyVersion", "AddUserToGroup", "TagUser",
               "AssumeRole", "Nope", ""]
    params = ["UserName", "PolicyName", "PolicyDocument", "PolicyArn", "RoleName", "AssumeRolePolicyDocument", "Path",
              "MaxItems", "Marker", "VersionId", "Status", "AccessKeyId", "GroupName", "MaxSessionDuration", "Scope",
              "OnlyAttached", "SetAsDefault", "Tags.member.1.Key", "Tags.member.1.Value", "RoleArn", "RoleSessionName",
              "DurationSeconds", "PathPrefix"]
    garbage = ["", " ", "%", "%zz", "a" * 3000, "\u00ff\u0100\u4e2d", "{", "{\"Statement\":[]}", "-1", "0", "99999999999",
               "true", "/", "//", "v0", "v1", "arn:aws:iam::000000000000:policy/x", "<x>&amp;", "\x00", "Active"]
    for i in range(400):
        service, version = ("sts", "2011-06-15") if i % 5 == 0 else ("iam", "2010-05-08")
        fields = [("Action", rng.choice(actions)), ("Version", version)]
        for _ in range(rng.randint(0, 6)):
            fields.append((rng.choice(params), rng.choice(garbage)))
        body = "&".join(urllib.parse.quote(k) + "=" + urllib.parse.quote(v) for k, v in fields)
        if rng.random() < 0.2:
            body += rng.choice(["&&", "&=", "%", "=%zz", "&Action", "\u00e9"])
        status, text = signed_post(body.encode("utf-8"), service)
        if status >= 500:
            raise AssertionError((status, body, text))
        if status >= 400 and ("<ErrorResponse" not in text or "<Code>" not in text):
            raise AssertionError((status, body, text))


if __name__ == "__main__":
    import urllib.parse  # noqa: E402 (used by the fuzz case)
    globals()["case_" + sys.argv[1]]()
    print("ok")
