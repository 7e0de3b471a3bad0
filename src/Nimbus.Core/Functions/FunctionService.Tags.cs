// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Arns;
using Nimbus.Core.Errors;
using Nimbus.Core.Validation;

namespace Nimbus.Core.Functions;

public sealed partial class FunctionService
{
    public async Task TagAsync(Scope scope, string resourceArn, IReadOnlyDictionary<string, string>? tags, CancellationToken cancellationToken)
    {
        TagRules.ValidateTagRequest(tags);
        await ChangeTagsAsync(scope, resourceArn, current =>
        {
            foreach (var (key, value) in tags!) // Checked for null above.
            {
                current[key] = value;
            }

            if (current.Count > LambdaQuotas.MaxTags)
            {
                throw LambdaErrors.InvalidParameter("Number of tags exceeds resource tag limit.");
            }
        }, cancellationToken);
    }

    public async Task UntagAsync(Scope scope, string resourceArn, IReadOnlyList<string>? tagKeys, CancellationToken cancellationToken)
    {
        TagRules.ValidateUntagRequest(tagKeys);
        await ChangeTagsAsync(scope, resourceArn, current =>
        {
            foreach (var key in tagKeys!) // Checked for null above.
            {
                current.Remove(key);
            }
        }, cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, string>> ListTagsAsync(Scope scope, string resourceArn, CancellationToken cancellationToken)
    {
        var record = await LoadTaggableAsync(scope, resourceArn, cancellationToken);
        return record.Tags;
    }

    private async Task ChangeTagsAsync(Scope scope, string resourceArn, Action<Dictionary<string, string>> change, CancellationToken cancellationToken)
    {
        // Tags do not change the function's revision, so the revision check cannot see two tag changes racing each
        // other: they are serialized here (one server per store today), and the check still guards other writes.
        await _tagLock.WaitAsync(cancellationToken);
        try
        {
            await ChangeTagsSerializedAsync(scope, resourceArn, change, cancellationToken);
        }
        finally
        {
            _tagLock.Release();
        }
    }

    private async Task ChangeTagsSerializedAsync(Scope scope, string resourceArn, Action<Dictionary<string, string>> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var record = await LoadTaggableAsync(scope, resourceArn, cancellationToken);
            var tags = new Dictionary<string, string>(record.Tags, StringComparer.Ordinal);
            change(tags);
            var updated = await _store.TryUpdateFunctionAsync(record with { Tags = tags }, record.Latest.RevisionId, cancellationToken);
            _cache.Invalidate(new FunctionKey(record.Scope, record.Name));
            if (updated)
            {
                return;
            }

            if (attempt >= 5)
            {
                throw LambdaErrors.UpdateInProgress(record.Arn);
            }
        }
    }

    private async Task<FunctionRecord> LoadTaggableAsync(Scope scope, string resourceArn, CancellationToken cancellationToken)
    {
        var match = Patterns.TaggableResource().Match(resourceArn);
        if (!match.Success || resourceArn.Length > 10_000)
        {
            var errors = new ValidationErrors();
            errors.Add(resourceArn, "resource", $"Member must satisfy regular expression pattern: {Patterns.TaggableResourceText}");
            errors.ThrowIfAny();
        }

        if (!match.Groups["name"].Success)
        {
            throw LambdaErrors.NotFound($"Resource not found: {resourceArn}");
        }

        if (match.Groups["qualifier"].Success)
        {
            throw LambdaErrors.InvalidParameter("Tags on function aliases and versions are not supported. Please specify a function ARN.");
        }

        var region = match.Groups["region"].Value;
        var account = match.Groups["account"].Value;
        var name = match.Groups["name"].Value;
        var arn = scope.FunctionArn(name);
        if (region != scope.Region || account != scope.Account)
        {
            throw LambdaErrors.FunctionNotFound(resourceArn);
        }

        return await _store.GetFunctionAsync(scope, name, cancellationToken)
            ?? throw LambdaErrors.FunctionNotFound(arn);
    }
}
