// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Functions;
using Nimbus.Core.Permissions;
using Nimbus.Core.Tests.Functions;

namespace Nimbus.Core.Tests.Permissions;

/// <summary>Shorthands over <see cref="ServiceHarness"/> for the permission tests.</summary>
internal static class PermissionHarness
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static FunctionStatement Statement(string sid = "s3", string principal = "s3.amazonaws.com", string action = "lambda:InvokeFunction") =>
        new() { StatementId = sid, Action = action, Principal = principal };

    public static Task<string> AddAsync(this ServiceHarness harness, string name, FunctionStatement statement, string? qualifier = null, string? revisionId = null) =>
        harness.Policies.AddPermissionAsync(TestValues.Scope, name, qualifier, statement, revisionId, Ct);

    public static Task RemoveAsync(this ServiceHarness harness, string name, string sid, string? qualifier = null, string? revisionId = null) =>
        harness.Policies.RemovePermissionAsync(TestValues.Scope, name, qualifier, sid, revisionId, Ct);

    public static Task<(string Policy, string RevisionId)> PolicyAsync(this ServiceHarness harness, string name, string? qualifier = null) =>
        harness.Policies.GetPolicyAsync(TestValues.Scope, name, qualifier, Ct);

    public static Task<FunctionVersion> PublishAsync(this ServiceHarness harness, string name) =>
        harness.Versions.PublishVersionAsync(TestValues.Scope, name, null, null, null, Ct);

    public static Task<FunctionAlias> AliasAsync(this ServiceHarness harness, string name, string alias, string version) =>
        harness.Versions.CreateAliasAsync(TestValues.Scope, name, alias, new AliasChange { FunctionVersion = version }, Ct);
}
