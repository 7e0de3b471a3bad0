// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Iam;

namespace Nimbus.Api.Iam;

/// <summary>IAM's response shapes (botocore's iam service-2.json): User, Role, Group, Policy, PolicyVersion, AccessKey.</summary>
internal static class IamShapes
{
    public static void User(QueryXml xml, IamEntity user, string element = "User", bool withTags = true)
    {
        xml.Start(element)
            .Element("Path", user.Path)
            .Element("UserName", user.Name)
            .Element("UserId", user.Id)
            .Element("Arn", user.Arn)
            .Element("CreateDate", user.CreatedAt);
        if (withTags)
        {
            Tags(xml, user.Tags);
        }

        xml.End(element);
    }

    public static void Role(QueryXml xml, IamEntity role, string element = "Role", bool withTags = true)
    {
        xml.Start(element)
            .Element("Path", role.Path)
            .Element("RoleName", role.Name)
            .Element("RoleId", role.Id)
            .Element("Arn", role.Arn)
            .Element("CreateDate", role.CreatedAt)
            .Document("AssumeRolePolicyDocument", role.AssumeRolePolicyDocument ?? string.Empty)
            .Element("Description", role.Description)
            .Element("MaxSessionDuration", role.MaxSessionDuration);
        if (withTags)
        {
            Tags(xml, role.Tags);
        }

        xml.End(element);
    }

    public static void Group(QueryXml xml, IamEntity group, string element = "Group") =>
        xml.Start(element)
            .Element("Path", group.Path)
            .Element("GroupName", group.Name)
            .Element("GroupId", group.Id)
            .Element("Arn", group.Arn)
            .Element("CreateDate", group.CreatedAt)
            .End(element);

    /// <summary>A user, role or group; the List* operations leave tags out, as IAM's do.</summary>
    public static void Entity(QueryXml xml, IamEntity entity, string element, bool withTags)
    {
        switch (entity.Kind)
        {
            case IamEntityKind.User:
                User(xml, entity, element, withTags);
                break;
            case IamEntityKind.Role:
                Role(xml, entity, element, withTags);
                break;
            default:
                Group(xml, entity, element);
                break;
        }
    }

    public static void Policy(QueryXml xml, ManagedPolicy policy, string element = "Policy")
    {
        xml.Start(element)
            .Element("PolicyName", policy.Name)
            .Element("PolicyId", policy.Id)
            .Element("Arn", policy.Arn)
            .Element("Path", policy.Path)
            .Element("DefaultVersionId", policy.DefaultVersionId)
            .Element("AttachmentCount", policy.AttachmentCount)
            .Element("PermissionsBoundaryUsageCount", 0)
            .Element("IsAttachable", true)
            .Element("Description", policy.Description)
            .Element("CreateDate", policy.CreatedAt)
            .Element("UpdateDate", policy.UpdatedAt);
        Tags(xml, policy.Tags);
        xml.End(element);
    }

    /// <summary>A version; its document only where IAM gives it (GetPolicyVersion).</summary>
    public static void Version(QueryXml xml, PolicyVersion version, bool withDocument, string element = "PolicyVersion")
    {
        xml.Start(element);
        if (withDocument)
        {
            xml.Document("Document", version.Document);
        }

        xml.Element("VersionId", version.VersionId)
            .Element("IsDefaultVersion", version.IsDefaultVersion)
            .Element("CreateDate", version.CreatedAt)
            .End(element);
    }

    public static void AccessKey(QueryXml xml, IamAccessKey key, bool withSecret, string element)
    {
        xml.Start(element)
            .Element("UserName", key.UserName)
            .Element("AccessKeyId", key.AccessKeyId)
            .Element("Status", key.Status);
        if (withSecret)
        {
            xml.Element("SecretAccessKey", key.SecretAccessKey);
        }

        xml.Element("CreateDate", key.CreatedAt).End(element);
    }

    public static void Tags(QueryXml xml, IReadOnlyList<IamTag> tags, bool always = false)
    {
        if (tags.Count == 0 && !always)
        {
            return;
        }

        xml.Start("Tags");
        foreach (var tag in tags)
        {
            xml.Start("member").Element("Key", tag.Key).Element("Value", tag.Value).End("member");
        }

        xml.End("Tags");
    }

    /// <summary>A page's list of members and its IsTruncated / Marker.</summary>
    public static void Page<T>(QueryXml xml, string listElement, IamPage<T> page, Action<QueryXml, T> member)
    {
        xml.Start(listElement);
        foreach (var item in page.Items)
        {
            member(xml, item);
        }

        xml.End(listElement).Element("IsTruncated", page.IsTruncated).Element("Marker", page.Marker);
    }
}
