// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;
using Nimbus.TestKit.Fakes;

namespace Nimbus.Core.Tests.Functions;

/// <summary>CreateFunction and UpdateFunctionConfiguration take only a role Lambda may assume.</summary>
public sealed class ExecutionRolesTests
{
    private const string CannotAssume = "The role defined for the function cannot be assumed by Lambda.";
    private readonly FakeIdentities _identities = new();
    private readonly ServiceHarness _harness;

    public ExecutionRolesTests()
    {
        _harness = new ServiceHarness(roles: new ExecutionRoles(_identities));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateAsync_RoleTrustingLambda_IsCreated()
    {
        var role = _identities.AddRole(TestValues.Scope.Account, "lambda-role");

        var created = await _harness.CreateAsync("f", TestValues.ValidCreate() with { Role = role });

        Assert.Equal(role, created.Role);
    }

    [Fact]
    public async Task CreateAsync_NoSuchRole_IsRefusedAndNothingStored()
    {
        await LambdaAssert.ThrowsAsync(LambdaErrors.InvalidParameterValueType, 400, CannotAssume,
            () => _harness.CreateAsync("f", TestValues.ValidCreate() with { Role = $"arn:aws:iam::{TestValues.Scope.Account}:role/missing" }));

        Assert.Null(await _harness.Store.GetFunctionAsync(TestValues.Scope, "f", Ct));
    }

    [Theory]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}""")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:TagSession"}]}""")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"},{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole"}]}""")]
    public async Task CreateAsync_TrustPolicyNotAllowingLambda_IsRefused(string trust)
    {
        var role = _identities.AddRole(TestValues.Scope.Account, "other", trust);

        await LambdaAssert.ThrowsAsync(LambdaErrors.InvalidParameterValueType, 400, CannotAssume,
            () => _harness.CreateAsync("f", TestValues.ValidCreate() with { Role = role }));
    }

    [Fact]
    public async Task UpdateConfigurationAsync_UnassumableRole_IsRefusedAndRoleKept()
    {
        var role = _identities.AddRole(TestValues.Scope.Account, "lambda-role");
        await _harness.CreateActiveAsync("f", TestValues.ValidCreate() with { Role = role });

        await LambdaAssert.ThrowsAsync(LambdaErrors.InvalidParameterValueType, 400, CannotAssume,
            () => _harness.Service.UpdateConfigurationAsync(TestValues.Scope, "f", new FunctionChange { Role = $"arn:aws:iam::{TestValues.Scope.Account}:role/missing" }, Ct));

        Assert.Equal(role, (await _harness.LatestAsync("f")).Role);
    }

    [Fact]
    public async Task UpdateConfigurationAsync_WithoutRole_DoesNotCheckTheCurrentOne()
    {
        var role = _identities.AddRole(TestValues.Scope.Account, "lambda-role");
        await _harness.CreateActiveAsync("f", TestValues.ValidCreate() with { Role = role });
        _identities.AddRole(TestValues.Scope.Account, "lambda-role", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}""");

        var updated = await _harness.Service.UpdateConfigurationAsync(TestValues.Scope, "f", new FunctionChange { Timeout = 9 }, Ct);

        Assert.Equal(9, updated.Timeout);
    }

    [Fact]
    public async Task RequireAssumableAsync_EveryRoleAssumable_TakesAnyRole()
    {
        var roles = new ExecutionRoles(_identities, everyRoleAssumable: true);

        await roles.RequireAssumableAsync($"arn:aws:iam::{TestValues.Scope.Account}:role/never-made", Ct);
    }
}
