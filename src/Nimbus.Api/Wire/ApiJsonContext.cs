// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Serialization;

namespace Nimbus.Api.Wire;

/// <summary>Source-generated JSON for every wire shape: no reflection on the request path.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNamingPolicy = JsonKnownNamingPolicy.Unspecified)]
[JsonSerializable(typeof(CreateFunctionRequestWire))]
[JsonSerializable(typeof(UpdateFunctionConfigurationRequestWire))]
[JsonSerializable(typeof(UpdateFunctionCodeRequestWire))]
[JsonSerializable(typeof(FunctionConfigurationWire))]
[JsonSerializable(typeof(GetFunctionResponseWire))]
[JsonSerializable(typeof(ListFunctionsResponseWire))]
[JsonSerializable(typeof(TagResourceRequestWire))]
[JsonSerializable(typeof(ListTagsResponseWire))]
[JsonSerializable(typeof(GetAccountSettingsResponseWire))]
[JsonSerializable(typeof(ConcurrencyWire))]
[JsonSerializable(typeof(HealthWire))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
