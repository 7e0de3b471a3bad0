// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Http;

namespace Nimbus.Api.Wire;

/// <summary>An error of an AWS JSON protocol: its shape name, message, HTTP status and (awsQueryCompatible services) query code.</summary>
internal readonly record struct AwsJsonError(string Type, string Message, int Status = StatusCodes.Status400BadRequest, string? QueryCode = null);
