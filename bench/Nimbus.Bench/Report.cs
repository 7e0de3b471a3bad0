// SPDX-License-Identifier: Apache-2.0
using System.Globalization;

namespace Nimbus.Bench;

/// <summary>Prints the figures as they come and, at the end, one summary line per target.</summary>
internal sealed class Report
{
    private readonly List<Verdict> _verdicts = [];

    public static string Ms(double milliseconds) => milliseconds.ToString("0.000", CultureInfo.InvariantCulture) + " ms";

    public static string Mb(double bytes) => (bytes / (1024 * 1024)).ToString("0.00", CultureInfo.InvariantCulture) + " MB";

    public static string Number(double value, string format = "0") => value.ToString(format, CultureInfo.InvariantCulture);

    public static string Times(double ratio) => ratio.ToString("0.00", CultureInfo.InvariantCulture) + "x";

    public static string Percent(double ratio) => (ratio * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    public static void Heading(string text)
    {
        Console.WriteLine();
        Console.WriteLine($"== {text}");
        Console.WriteLine($"   (load average {ProcFs.LoadAverage()}; the machine has {Environment.ProcessorCount} cores)");
    }

    public static void Line(string text) => Console.WriteLine($"   {text}");

    public void Add(Verdict verdict)
    {
        _verdicts.Add(verdict);
        Console.WriteLine($"   {verdict.Figure}: {verdict.Measured} | reference {verdict.Reference} | ratio {verdict.Ratio} | target {verdict.Target}: {(verdict.Pass ? "PASS" : "MISS")}");
    }

    public void PrintSummary()
    {
        if (_verdicts.Count == 0)
        {
            return;
        }

        Heading("summary");
        Console.WriteLine("   targets from the issues; each reference is measured in this run unless it says 'stated'");
        foreach (var v in _verdicts)
        {
            Console.WriteLine($"   {(v.Pass ? "PASS" : "MISS")}  {v.Figure}: {v.Measured} vs {v.Reference} ({v.Ratio}); target {v.Target}");
        }
    }
}
