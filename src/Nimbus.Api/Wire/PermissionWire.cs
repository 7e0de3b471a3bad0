// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Api.Wire;

/// <summary>AddPermission's body (the service model's AddPermissionRequest, less the URI and query members).</summary>
internal sealed record AddPermissionRequestWire
{
    public string? StatementId { get; init; }

    public string? Action { get; init; }

    public string? Principal { get; init; }

    public string? SourceArn { get; init; }

    public string? SourceAccount { get; init; }

    public string? EventSourceToken { get; init; }

    public string? RevisionId { get; init; }

    public string? PrincipalOrgID { get; init; }

    public string? FunctionUrlAuthType { get; init; }

    public bool? InvokedViaFunctionUrl { get; init; }
}

internal sealed record AddPermissionResponseWire
{
    public required string Statement { get; init; }
}

internal sealed record GetPolicyResponseWire
{
    public required string Policy { get; init; }

    public required string RevisionId { get; init; }
}
