// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Sandboxes;

/// <summary>The sandbox backend the server runs with, and what it says about it at start.</summary>
/// <param name="Factory">The backend.</param>
/// <param name="Description">What the backend gives a function (isolation, limits), for the start-up line.</param>
/// <param name="Fallback">Under <c>auto</c>, why a stronger backend was not used and exactly what to install; else null.</param>
public sealed record SandboxChoice(ISandboxFactory Factory, string Description, string? Fallback);
