// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Core.Images;

/// <summary>A function's ImageConfig: what overrides the image's ENTRYPOINT, CMD and WORKDIR (null: the image's own).</summary>
public sealed record ImageConfigOverride
{
    public IReadOnlyList<string>? EntryPoint { get; init; }

    public IReadOnlyList<string>? Command { get; init; }

    public string? WorkingDirectory { get; init; }

    public bool IsEmpty => EntryPoint is null && Command is null && WorkingDirectory is null;
}
