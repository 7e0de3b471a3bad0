// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Serialization;
using Nimbus.Core.Access.Iam;
using Nimbus.Core.Functions;
using Nimbus.Core.FunctionUrls;
using Nimbus.Core.Mappings;

namespace Nimbus.Storage.Sqlite;

/// <summary>
/// Source-generated JSON for the documents the store keeps in its rows. Get-only properties are derived
/// (e.g. <see cref="FunctionVersion.IsSettling"/>), so they are not stored; nulls are left out to keep rows small.
/// </summary>
[JsonSourceGenerationOptions(
    IgnoreReadOnlyProperties = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FunctionVersion))]
[JsonSerializable(typeof(FunctionAlias))]
[JsonSerializable(typeof(ProvisionedConcurrencyConfig))]
[JsonSerializable(typeof(EventInvokeConfig))]
[JsonSerializable(typeof(EventSourceMapping))]
[JsonSerializable(typeof(FunctionUrlConfig))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(IamEntity))]
[JsonSerializable(typeof(IReadOnlyList<IamTag>))]
internal sealed partial class StorageJsonContext : JsonSerializerContext;
