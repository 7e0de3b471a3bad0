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
[JsonSerializable(typeof(PublishVersionRequestWire))]
[JsonSerializable(typeof(ListVersionsByFunctionResponseWire))]
[JsonSerializable(typeof(CreateAliasRequestWire))]
[JsonSerializable(typeof(UpdateAliasRequestWire))]
[JsonSerializable(typeof(AliasConfigurationWire))]
[JsonSerializable(typeof(ListAliasesResponseWire))]
[JsonSerializable(typeof(PutProvisionedConcurrencyConfigRequestWire))]
[JsonSerializable(typeof(ProvisionedConcurrencyConfigWire))]
[JsonSerializable(typeof(ListProvisionedConcurrencyConfigsResponseWire))]
[JsonSerializable(typeof(EventInvokeConfigRequestWire))]
[JsonSerializable(typeof(EventInvokeConfigWire))]
[JsonSerializable(typeof(ListEventInvokeConfigsResponseWire))]
[JsonSerializable(typeof(RecursionConfigWire))]
[JsonSerializable(typeof(PublishLayerVersionRequestWire))]
[JsonSerializable(typeof(LayerVersionWire))]
[JsonSerializable(typeof(ListLayersResponseWire))]
[JsonSerializable(typeof(ListLayerVersionsResponseWire))]
[JsonSerializable(typeof(AddLayerVersionPermissionRequestWire))]
[JsonSerializable(typeof(AddLayerVersionPermissionResponseWire))]
[JsonSerializable(typeof(GetLayerVersionPolicyResponseWire))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
