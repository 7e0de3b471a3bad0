// SPDX-License-Identifier: Apache-2.0
using Nimbus.Api.Access;

namespace Nimbus.Api.Tests.Access;

/// <summary>The Lambda API's authorization table against the Service Authorization Reference's names and resources.</summary>
public sealed class LambdaActionsTests
{
    [Fact]
    public void Table_EveryOperation_IsItsNameUnderLambdaExceptInvokesAndByArn()
    {
        foreach (var rule in LambdaActions.Table)
        {
            var expected = rule.Operation switch
            {
                "Invoke" or "InvokeAsync" => "lambda:InvokeFunction",
                "GetLayerVersionByArn" => "lambda:GetLayerVersion",
                _ => "lambda:" + rule.Operation,
            };
            Assert.Equal(expected, rule.Action);
        }
    }

    [Fact]
    public void Table_OperationsAreUnique()
    {
        Assert.Equal(LambdaActions.Table.Count, LambdaActions.Table.Select(rule => rule.Operation).Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("ListFunctions", ResourceKind.Any, null)]
    [InlineData("GetAccountSettings", ResourceKind.Any, null)]
    [InlineData("ListEventSourceMappings", ResourceKind.Any, null)]
    [InlineData("CreateEventSourceMapping", ResourceKind.Any, "lambda:FunctionArn")]
    [InlineData("GetEventSourceMapping", ResourceKind.EventSourceMapping, "lambda:FunctionArn")]
    [InlineData("UpdateEventSourceMapping", ResourceKind.EventSourceMapping, "lambda:FunctionArn")]
    [InlineData("DeleteEventSourceMapping", ResourceKind.EventSourceMapping, "lambda:FunctionArn")]
    [InlineData("Invoke", ResourceKind.QualifiedFunction, null)]
    [InlineData("GetFunction", ResourceKind.QualifiedFunction, null)]
    [InlineData("GetFunctionCodeSigningConfig", ResourceKind.Function, null)]
    [InlineData("CreateFunction", ResourceKind.Function, "lambda:Layer")]
    [InlineData("UpdateFunctionConfiguration", ResourceKind.Function, "lambda:Layer")]
    [InlineData("UpdateFunctionCode", ResourceKind.Function, null)]
    [InlineData("PublishLayerVersion", ResourceKind.Layer, null)]
    [InlineData("GetLayerVersion", ResourceKind.LayerVersion, null)]
    [InlineData("ListLayerVersions", ResourceKind.Any, null)]
    [InlineData("TagResource", ResourceKind.TaggedResource, null)]
    public void Table_Operation_IsCheckedOnAwsResource(string operation, ResourceKind resource, string? conditionKey)
    {
        var rule = Assert.Single(LambdaActions.Table, rule => rule.Operation == operation);

        Assert.Equal(resource, rule.Resource);
        Assert.Equal(conditionKey, rule.ConditionKey);
    }

    [Fact]
    public void MappingArn_ScopeAndUuid_IsAwsForm()
    {
        var arn = LambdaAuthorization.MappingArn(new Core.Arns.Scope("000000000000", "us-east-1"), "fa123456-14a1-4fd2-9fec-83de64ad683d");

        Assert.Equal("arn:aws:lambda:us-east-1:000000000000:event-source-mapping:fa123456-14a1-4fd2-9fec-83de64ad683d", arn);
    }
}
