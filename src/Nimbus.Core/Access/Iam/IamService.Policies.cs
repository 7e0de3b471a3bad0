// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Access.Policies;

namespace Nimbus.Core.Access.Iam;

/// <summary>Inline policies of users, roles and groups; managed policies, their versions and attachments.</summary>
public sealed partial class IamService
{
    public async Task PutInlinePolicyAsync(string account, IamEntityKind kind, string? entityName, string? policyName, string? document, CancellationToken cancellationToken)
    {
        var name = IamValidation.EntityName(kind, entityName);
        var validPolicyName = IamValidation.PolicyName(policyName);
        var validDocument = IamValidation.Document(document, "policyDocument");
        Parse(validDocument, PolicyKind.Identity, null);
        var existing = await store.ListInlinePoliciesAsync(account, kind, name, cancellationToken);
        var limit = kind switch
        {
            IamEntityKind.User => PolicySizeLimit.UserInlinePolicy,
            IamEntityKind.Role => PolicySizeLimit.RoleInlinePolicy,
            _ => PolicySizeLimit.GroupInlinePolicy,
        };
        var total = PolicySizeLimit.Measure(validDocument);
        foreach (var other in existing)
        {
            if (!other.PolicyName.Equals(validPolicyName, StringComparison.OrdinalIgnoreCase))
            {
                total += PolicySizeLimit.Measure(other.Document);
            }
        }

        if (total > limit.Size)
        {
            // IAM's text for inline policies over their entity's quota.
            throw new IamException(IamErrors.LimitExceededCode, 409, $"Maximum policy size of {limit.Size} bytes exceeded for {IamErrors.Noun(kind)} {name}");
        }

        if (!await store.PutInlinePolicyAsync(account, kind, name, new InlinePolicy(validPolicyName, validDocument), cancellationToken))
        {
            throw IamErrors.NoSuchEntity(kind, name);
        }

        directory.Changed();
    }

    public async Task<InlinePolicy> GetInlinePolicyAsync(string account, IamEntityKind kind, string? entityName, string? policyName, CancellationToken cancellationToken)
    {
        var entity = await GetEntityAsync(account, kind, entityName, cancellationToken);
        var validPolicyName = IamValidation.PolicyName(policyName);
        var policies = await store.ListInlinePoliciesAsync(account, kind, entity.Name, cancellationToken);
        return policies.FirstOrDefault(p => p.PolicyName.Equals(validPolicyName, StringComparison.OrdinalIgnoreCase))
            ?? throw IamErrors.NoSuchInlinePolicy(kind, validPolicyName);
    }

    public async Task<IamPage<InlinePolicy>> ListInlinePoliciesAsync(string account, IamEntityKind kind, string? entityName, string? marker, string? maxItems, CancellationToken cancellationToken)
    {
        var entity = await GetEntityAsync(account, kind, entityName, cancellationToken);
        return IamPaging.Of(await store.ListInlinePoliciesAsync(account, kind, entity.Name, cancellationToken), p => p.PolicyName, marker, maxItems);
    }

    public async Task DeleteInlinePolicyAsync(string account, IamEntityKind kind, string? entityName, string? policyName, CancellationToken cancellationToken)
    {
        var entity = await GetEntityAsync(account, kind, entityName, cancellationToken);
        var validPolicyName = IamValidation.PolicyName(policyName);
        if (!await store.DeleteInlinePolicyAsync(account, kind, entity.Name, validPolicyName, cancellationToken))
        {
            throw IamErrors.NoSuchInlinePolicy(kind, validPolicyName);
        }

        directory.Changed();
    }

    public async Task<ManagedPolicy> CreatePolicyAsync(string account, string? policyName, string? path, string? document, string? description, IReadOnlyList<IamTag> tags, CancellationToken cancellationToken)
    {
        var name = IamValidation.PolicyName(policyName);
        var validPath = IamValidation.PolicyPath(path);
        var validDocument = IamValidation.Document(document, "policyDocument");
        IamValidation.Optional(description, "description", 0, 1000);
        IamTags.Validate(tags);
        Parse(validDocument, PolicyKind.Identity, PolicySizeLimit.ManagedPolicy);
        var now = Now();
        var policy = new ManagedPolicy
        {
            Account = account,
            Name = name,
            Id = IamIds.New(IamIds.PolicyPrefix),
            Path = validPath,
            Description = description,
            DefaultVersionId = "v1",
            CreatedAt = now,
            UpdatedAt = now,
            Tags = tags,
        };
        if (!await store.CreatePolicyAsync(policy, validDocument, cancellationToken))
        {
            throw IamErrors.PolicyAlreadyExists(name);
        }

        return policy;
    }

    public async Task<ManagedPolicy> GetPolicyAsync(string? policyArn, CancellationToken cancellationToken)
    {
        var arn = IamValidation.Arn(policyArn, "policyArn");
        return await store.GetPolicyAsync(arn, cancellationToken) ?? throw IamErrors.NoSuchPolicy(arn);
    }

    /// <summary>ListPolicies: Scope AWS lists AWS's managed policies, of which Nimbus has none; Local and All list the account's.</summary>
    public async Task<IamPage<ManagedPolicy>> ListPoliciesAsync(string account, string? scope, bool onlyAttached, string? pathPrefix, string? marker, string? maxItems, CancellationToken cancellationToken)
    {
        if (scope is not (null or "All" or "AWS" or "Local"))
        {
            throw IamErrors.Validation(scope, "scope", "Member must satisfy enum value set: [All, AWS, Local]");
        }

        IamValidation.Optional(pathPrefix, "pathPrefix", 1, 512);
        IReadOnlyList<ManagedPolicy> all = scope == "AWS" ? [] : await store.ListPoliciesAsync(account, cancellationToken);
        var matching = all.Where(p => (!onlyAttached || p.AttachmentCount > 0) && (pathPrefix is null || p.Path.StartsWith(pathPrefix, StringComparison.Ordinal))).ToList();
        return IamPaging.Of(matching, p => p.Name, marker, maxItems);
    }

    public async Task DeletePolicyAsync(string? policyArn, CancellationToken cancellationToken)
    {
        var arn = IamValidation.Arn(policyArn, "policyArn");
        switch (await store.DeletePolicyAsync(arn, cancellationToken))
        {
            case IamWriteOutcome.PolicyNotFound:
                throw IamErrors.NoSuchPolicy(arn);
            case IamWriteOutcome.Conflict:
                throw IamErrors.PolicyAttached();
            case IamWriteOutcome.HasVersions:
                throw IamErrors.PolicyHasVersions();
        }

        directory.Changed();
    }

    public async Task<PolicyVersion> CreatePolicyVersionAsync(string? policyArn, string? document, bool setAsDefault, CancellationToken cancellationToken)
    {
        var arn = IamValidation.Arn(policyArn, "policyArn");
        var validDocument = IamValidation.Document(document, "policyDocument");
        Parse(validDocument, PolicyKind.Identity, PolicySizeLimit.ManagedPolicy);
        var (outcome, version) = await store.CreatePolicyVersionAsync(arn, validDocument, setAsDefault, VersionsPerPolicy, Now(), cancellationToken);
        switch (outcome)
        {
            case IamWriteOutcome.PolicyNotFound:
                throw IamErrors.NoSuchPolicy(arn);
            case IamWriteOutcome.LimitExceeded:
                throw IamErrors.TooManyVersions();
        }

        directory.Changed();
        return version!; // Done always carries the version.
    }

    public async Task<PolicyVersion> GetPolicyVersionAsync(string? policyArn, string? versionId, CancellationToken cancellationToken)
    {
        var arn = IamValidation.Arn(policyArn, "policyArn");
        var id = IamValidation.VersionId(versionId);
        var versions = await ListPolicyVersionsAsync(arn, cancellationToken);
        return versions.FirstOrDefault(v => v.VersionId == id) ?? throw IamErrors.NoSuchPolicyVersion(arn, id);
    }

    public async Task<IReadOnlyList<PolicyVersion>> ListPolicyVersionsAsync(string? policyArn, CancellationToken cancellationToken)
    {
        var arn = IamValidation.Arn(policyArn, "policyArn");
        var versions = await store.ListPolicyVersionsAsync(arn, cancellationToken);
        return versions.Count == 0 ? throw IamErrors.NoSuchPolicy(arn) : versions;
    }

    public async Task DeletePolicyVersionAsync(string? policyArn, string? versionId, CancellationToken cancellationToken)
    {
        var arn = IamValidation.Arn(policyArn, "policyArn");
        var id = IamValidation.VersionId(versionId);
        switch (await store.DeletePolicyVersionAsync(arn, id, cancellationToken))
        {
            case IamWriteOutcome.PolicyNotFound:
                throw IamErrors.NoSuchPolicy(arn);
            case IamWriteOutcome.NotFound:
                throw IamErrors.NoSuchPolicyVersion(arn, id);
            case IamWriteOutcome.Conflict:
                throw IamErrors.DefaultVersion();
        }

        directory.Changed();
    }

    public async Task SetDefaultPolicyVersionAsync(string? policyArn, string? versionId, CancellationToken cancellationToken)
    {
        var arn = IamValidation.Arn(policyArn, "policyArn");
        var id = IamValidation.VersionId(versionId);
        switch (await store.SetDefaultPolicyVersionAsync(arn, id, Now(), cancellationToken))
        {
            case IamWriteOutcome.PolicyNotFound:
                throw IamErrors.NoSuchPolicy(arn);
            case IamWriteOutcome.NotFound:
                throw IamErrors.NoSuchPolicyVersion(arn, id);
        }

        directory.Changed();
    }

    public async Task AttachPolicyAsync(string account, IamEntityKind kind, string? entityName, string? policyArn, CancellationToken cancellationToken)
    {
        var name = IamValidation.EntityName(kind, entityName);
        var arn = IamValidation.Arn(policyArn, "policyArn");
        switch (await store.AttachPolicyAsync(account, kind, name, arn, AttachedPoliciesPerEntity, cancellationToken))
        {
            case IamWriteOutcome.NotFound:
                throw IamErrors.NoSuchEntity(kind, name);
            case IamWriteOutcome.PolicyNotFound:
                throw IamErrors.NotAttachable(arn);
            case IamWriteOutcome.LimitExceeded:
                throw IamErrors.Quota(AttachQuota(kind), AttachedPoliciesPerEntity);
        }

        directory.Changed();
    }

    public async Task DetachPolicyAsync(string account, IamEntityKind kind, string? entityName, string? policyArn, CancellationToken cancellationToken)
    {
        var name = IamValidation.EntityName(kind, entityName);
        var arn = IamValidation.Arn(policyArn, "policyArn");
        switch (await store.DetachPolicyAsync(account, kind, name, arn, cancellationToken))
        {
            case IamWriteOutcome.NotFound:
                throw IamErrors.NoSuchEntity(kind, name);
            case IamWriteOutcome.NotAttached:
                throw IamErrors.NoSuchPolicy(arn);
        }

        directory.Changed();
    }

    public async Task<IamPage<AttachedPolicy>> ListAttachedPoliciesAsync(string account, IamEntityKind kind, string? entityName, string? pathPrefix, string? marker, string? maxItems, CancellationToken cancellationToken)
    {
        var entity = await GetEntityAsync(account, kind, entityName, cancellationToken);
        var prefix = IamValidation.PathPrefix(pathPrefix);
        var all = await store.ListAttachedPoliciesAsync(account, kind, entity.Name, cancellationToken);
        var matching = prefix is null ? all : all.Where(p => p.PolicyArn[(p.PolicyArn.IndexOf(":policy", StringComparison.Ordinal) + 7)..].StartsWith(prefix, StringComparison.Ordinal)).ToList();
        return IamPaging.Of(matching, p => p.PolicyName, marker, maxItems);
    }

    /// <summary>The users, roles and groups a managed policy is attached to.</summary>
    public async Task<IReadOnlyList<IamEntity>> ListEntitiesForPolicyAsync(string policyArn, CancellationToken cancellationToken)
    {
        var policy = await GetPolicyAsync(policyArn, cancellationToken);
        var entities = new List<IamEntity>();
        foreach (var (kind, name) in await store.ListEntitiesForPolicyAsync(policy.Arn, cancellationToken))
        {
            if (await store.GetEntityAsync(policy.Account, kind, name, cancellationToken) is { } entity)
            {
                entities.Add(entity);
            }
        }

        return entities;
    }

    /// <summary>Parses a document as IAM would keep it, or throws IAM's MalformedPolicyDocument / LimitExceeded.</summary>
    private static PolicyDocument Parse(string document, PolicyKind kind, PolicySizeLimit? limit) =>
        PolicyParser.TryParse(document, kind, limit, out var parsed, out var error) ? parsed : throw IamErrors.Policy(error);

    private static string AttachQuota(IamEntityKind kind) => kind switch
    {
        IamEntityKind.User => "PoliciesPerUser",
        IamEntityKind.Role => "PoliciesPerRole",
        _ => "PoliciesPerGroup",
    };
}
