// SPDX-License-Identifier: Apache-2.0
using Nimbus.Core.PowerTuning;

namespace Nimbus.Core.Tests.PowerTuning;

public sealed class InvocationReportTests
{
    public static TheoryData<string, double, long, long> Reports => new()
    {
        // The shape of AWS's documented REPORT lines (Lambda developer guide, "Using CloudWatch Logs").
        { "START RequestId: 3604209a Version: $LATEST\nhello\nEND RequestId: 3604209a\nREPORT RequestId: 3604209a\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 18 MB\t\n", 12.34, 13, 0 },
        { "REPORT RequestId: 8f507cfc\tDuration: 3.24 ms\tBilled Duration: 4 ms\tMemory Size: 128 MB\tMax Memory Used: 74 MB\tInit Duration: 115.94 ms\t", 3.24, 4, 0 },
        // A SnapStart restore's billed time is kept apart.
        { "REPORT RequestId: r\tDuration: 0.62 ms\tBilled Duration: 1 ms\tMemory Size: 512 MB\tMax Memory Used: 30 MB\tRestore Duration: 474.16 ms\tBilled Restore Duration: 202 ms\t", 0.62, 1, 202 },
        // A failed invocation still reports.
        { "REPORT RequestId: e\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 20 MB\tStatus: error\tError Type: Runtime.Unknown", 1.00, 1, 0 },
        // The last REPORT counts (a tail can hold the end of an earlier invocation's).
        { "REPORT RequestId: a\tDuration: 9.00 ms\tBilled Duration: 9 ms\nREPORT RequestId: b\tDuration: 2.50 ms\tBilled Duration: 3 ms\n", 2.50, 3, 0 },
        // Windows line ends, a function's own line that mentions Duration.
        { "Duration: 77 ms\r\nREPORT RequestId: c\tDuration: 5.00 ms\tBilled Duration: 5 ms\r\n", 5.00, 5, 0 },
    };

    [Theory]
    [MemberData(nameof(Reports))]
    public void TryParse_ReportLine_ReadsDurationAndBilledDurations(string log, double duration, long billed, long restore)
    {
        Assert.True(InvocationReport.TryParse(log, out var report));
        Assert.Equal(duration, report.DurationMs, 6);
        Assert.Equal(billed, report.BilledDurationMs);
        Assert.Equal(restore, report.BilledRestoreDurationMs);
    }

    [Theory]
    [InlineData("")]
    [InlineData("START RequestId: x\nEND RequestId: x\n")]
    [InlineData("REPORT RequestId: x\tDuration: 1.0 ms\t")]
    [InlineData("REPORT RequestId: x\tBilled Duration: 1 ms\t")]
    [InlineData("REPORT RequestId: x\tDuration: abc ms\tBilled Duration: 1 ms")]
    [InlineData("REPORT RequestId: x\tDuration: 1.0 ms\tBilled Duration: -1 ms")]
    [InlineData("REPORT RequestId: x\tDuration: 1.0\tBilled Duration: 1")]
    [InlineData("REPORT RequestId: x\tDuration: 1.0 ms\tBilled Duration: 99999999999999999999 ms")]
    public void TryParse_NoUsableReport_IsFalse(string log)
    {
        Assert.False(InvocationReport.TryParse(log, out _));
    }

    [Fact]
    public void TryParse_RandomText_NeverThrows()
    {
        var random = new Random(1207);
        const string alphabet = "REPORT RequestId: Duration: Billed Restore ms MB\t\n\r0123456789.-";
        for (var i = 0; i < 20000; i++)
        {
            var text = new string([.. Enumerable.Range(0, random.Next(120)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            if (random.Next(3) == 0)
            {
                text = "REPORT RequestId: " + text;
            }

            if (InvocationReport.TryParse(text, out var report))
            {
                Assert.True(report.DurationMs >= 0);
                Assert.True(report.BilledDurationMs >= 0);
            }
        }
    }
}
