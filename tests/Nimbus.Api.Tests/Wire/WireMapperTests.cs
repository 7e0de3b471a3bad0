// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Nimbus.Api.Wire;
using Nimbus.Core.Arns;
using Nimbus.Core.Functions;

namespace Nimbus.Api.Tests.Wire;

public sealed class WireMapperTests
{
    private static readonly Scope s_scope = new("123456789012", "us-east-1");

    private static FunctionVersion Version() => new()
    {
        Name = "fn",
        Role = "arn:aws:iam::123456789012:role/lambda-role",
        Runtime = "python3.12",
        Handler = "app.handler",
        Logging = new LoggingSettings { LogGroup = "/aws/lambda/fn" },
        CodeSha256 = "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=",
        CodeSize = 321,
        RevisionId = "rev-1",
        LastModified = new DateTimeOffset(2019, 2, 20, 15, 33, 28, 335, TimeSpan.Zero),
    };

    private static JsonElement Serialize(FunctionVersion version) =>
        JsonSerializer.SerializeToElement(WireMapper.ToWire(s_scope, version), ApiJsonContext.Default.FunctionConfigurationWire);

    [Fact]
    public void FormatTimestamp_Utc_MillisecondsAndLiteralOffset() =>
        Assert.Equal(
            "2019-02-20T15:33:28.335+0000",
            WireMapper.FormatTimestamp(new DateTimeOffset(2019, 2, 20, 15, 33, 28, 335, TimeSpan.Zero)));

    [Fact]
    public void FormatTimestamp_OtherOffset_ConvertedToUtc() =>
        Assert.Equal(
            "2019-02-20T15:33:28.335+0000",
            WireMapper.FormatTimestamp(new DateTimeOffset(2019, 2, 20, 17, 33, 28, 335, TimeSpan.FromHours(2))));

    [Fact]
    public void FormatTimestamp_NegativeOffsetAcrossMidnight_ConvertedToUtcDate() =>
        Assert.Equal(
            "2024-01-01T02:00:00.000+0000",
            WireMapper.FormatTimestamp(new DateTimeOffset(2023, 12, 31, 21, 0, 0, TimeSpan.FromHours(-5))));

    [Fact]
    public void FormatTimestamp_SubMillisecondTicks_TruncatedToThreeDigits() =>
        Assert.Equal(
            "2019-02-20T15:33:28.335+0000",
            WireMapper.FormatTimestamp(new DateTimeOffset(2019, 2, 20, 15, 33, 28, 335, TimeSpan.Zero).AddTicks(9999)));

    [Fact]
    public void ToWire_NoEnvironment_OmitsEnvironmentMember()
    {
        var json = Serialize(Version());

        Assert.False(json.TryGetProperty("Environment", out _));
    }

    [Fact]
    public void ToWire_EmptyEnvironment_WritesEmptyVariables()
    {
        var json = Serialize(Version() with { Environment = new Dictionary<string, string>() });

        Assert.Equal(JsonValueKind.Object, json.GetProperty("Environment").GetProperty("Variables").ValueKind);
        Assert.Empty(json.GetProperty("Environment").GetProperty("Variables").EnumerateObject());
    }

    [Fact]
    public void ToWire_Environment_CopiesVariables()
    {
        var json = Serialize(Version() with { Environment = new Dictionary<string, string> { ["A1"] = "x" } });

        Assert.Equal("x", json.GetProperty("Environment").GetProperty("Variables").GetProperty("A1").GetString());
    }

    [Fact]
    public void ToWire_Defaults_MatchAwsCreateSnapshotShape()
    {
        var json = Serialize(Version());

        Assert.Equal("fn", json.GetProperty("FunctionName").GetString());
        Assert.Equal("arn:aws:lambda:us-east-1:123456789012:function:fn", json.GetProperty("FunctionArn").GetString());
        Assert.Equal("2019-02-20T15:33:28.335+0000", json.GetProperty("LastModified").GetString());
        Assert.Equal("$LATEST", json.GetProperty("Version").GetString());
        Assert.Equal("", json.GetProperty("Description").GetString());
        Assert.Equal(3, json.GetProperty("Timeout").GetInt32());
        Assert.Equal(128, json.GetProperty("MemorySize").GetInt32());
        Assert.Equal(321, json.GetProperty("CodeSize").GetInt64());
        Assert.Equal(512, json.GetProperty("EphemeralStorage").GetProperty("Size").GetInt32());
        Assert.Equal("x86_64", Assert.Single(json.GetProperty("Architectures").EnumerateArray()).GetString());
        Assert.Equal("PassThrough", json.GetProperty("TracingConfig").GetProperty("Mode").GetString());
        Assert.Equal("None", json.GetProperty("SnapStart").GetProperty("ApplyOn").GetString());
        Assert.Equal("Off", json.GetProperty("SnapStart").GetProperty("OptimizationStatus").GetString());
        Assert.Equal("Text", json.GetProperty("LoggingConfig").GetProperty("LogFormat").GetString());
        Assert.Equal("/aws/lambda/fn", json.GetProperty("LoggingConfig").GetProperty("LogGroup").GetString());
        Assert.False(json.GetProperty("LoggingConfig").TryGetProperty("ApplicationLogLevel", out _));
        Assert.Equal("Zip", json.GetProperty("PackageType").GetString());
        Assert.Equal("Pending", json.GetProperty("State").GetString());
        Assert.False(json.TryGetProperty("LastUpdateStatus", out _));
        Assert.False(json.TryGetProperty("Layers", out _));
        Assert.False(json.TryGetProperty("DeadLetterConfig", out _));
        Assert.False(json.TryGetProperty("KMSKeyArn", out _));
    }

    [Fact]
    public void ToWire_KmsKeyAndLayers_UseAwsMemberNames()
    {
        var json = Serialize(Version() with
        {
            KmsKeyArn = "arn:aws:kms:us-east-1:123456789012:key/k",
            Layers = [new LayerReference("arn:aws:lambda:us-east-1:123456789012:layer:l:1", 42)],
            DeadLetterTargetArn = "arn:aws:sqs:us-east-1:123456789012:dlq",
        });

        Assert.Equal("arn:aws:kms:us-east-1:123456789012:key/k", json.GetProperty("KMSKeyArn").GetString());
        var layer = Assert.Single(json.GetProperty("Layers").EnumerateArray());
        Assert.Equal("arn:aws:lambda:us-east-1:123456789012:layer:l:1", layer.GetProperty("Arn").GetString());
        Assert.Equal(42, layer.GetProperty("CodeSize").GetInt64());
        Assert.Equal("arn:aws:sqs:us-east-1:123456789012:dlq", json.GetProperty("DeadLetterConfig").GetProperty("TargetArn").GetString());
    }

    [Fact]
    public void ToChange_CreateEnvironmentWithoutVariables_EmptyEnvironment()
    {
        var change = WireMapper.ToChange(new CreateFunctionRequestWire { Environment = new EnvironmentWire() });

        Assert.NotNull(change.Environment);
        Assert.Empty(change.Environment);
    }

    [Fact]
    public void ToChange_CreateWithoutEnvironment_NullEnvironment() =>
        Assert.Null(WireMapper.ToChange(new CreateFunctionRequestWire()).Environment);

    [Fact]
    public void ToChange_UpdateDeadLetterConfigWithoutTarget_EmptyTargetRemovesIt()
    {
        Assert.Equal("", WireMapper.ToChange(new UpdateFunctionConfigurationRequestWire { DeadLetterConfig = new DeadLetterConfigWire() }).DeadLetterTargetArn);
        Assert.Null(WireMapper.ToChange(new UpdateFunctionConfigurationRequestWire()).DeadLetterTargetArn);
    }

    [Fact]
    public void ToChange_UpdateFields_Mapped()
    {
        var change = WireMapper.ToChange(new UpdateFunctionConfigurationRequestWire
        {
            MemorySize = 256,
            EphemeralStorage = new EphemeralStorageWire { Size = 1024 },
            LoggingConfig = new LoggingConfigWire { LogFormat = "JSON", SystemLogLevel = "WARN" },
            TracingConfig = new TracingConfigWire { Mode = "Active" },
            RevisionId = "rev-9",
        });

        Assert.Equal(
            new FunctionChange { MemorySize = 256, EphemeralStorageSize = 1024, LogFormat = "JSON", SystemLogLevel = "WARN", TracingMode = "Active", RevisionId = "rev-9" },
            change);
    }

    [Fact]
    public void ToUpload_NoZipFile_KeepsNullApartFromEmpty()
    {
        Assert.Null(WireMapper.ToUpload(new UpdateFunctionCodeRequestWire()).ZipFile);
        Assert.Equal(0, WireMapper.ToUpload(new UpdateFunctionCodeRequestWire { ZipFile = [] }).ZipFile?.Length);
        Assert.Null(WireMapper.ToUpload((FunctionCodeWire?)null));
    }
}
