// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Execution.Images;

/// <summary>Another registry refused a pull (401 or 403, with or without the credentials Nimbus holds for it).</summary>
internal sealed class RegistryAccessException(string message) : IOException(message);
