// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Serialization;
using Nimbus.Core.Layers;

namespace Nimbus.Storage.Sqlite;

/// <summary>Source-generated JSON for the layer version documents in <c>layer_versions.config</c>; derived ARNs are not stored.</summary>
[JsonSourceGenerationOptions(
    IgnoreReadOnlyProperties = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LayerVersion))]
internal sealed partial class LayerJsonContext : JsonSerializerContext;
