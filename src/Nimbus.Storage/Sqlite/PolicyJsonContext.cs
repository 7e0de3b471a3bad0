// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Serialization;
using Nimbus.Core.Permissions;

namespace Nimbus.Storage.Sqlite;

/// <summary>Source-generated JSON for the statements in <c>function_policies.statements</c>.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<FunctionStatement>))]
internal sealed partial class PolicyJsonContext : JsonSerializerContext;
