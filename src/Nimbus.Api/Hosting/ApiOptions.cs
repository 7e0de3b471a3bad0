// SPDX-License-Identifier: Apache-2.0
namespace Nimbus.Api.Hosting;

/// <summary>Identity settings of the API: the account every caller acts as, and the region when a request names none.</summary>
public sealed class ApiOptions
{
    /// <summary>The 12-digit account id in every ARN (AWS's default in local tools is 000000000000).</summary>
    public string AccountId { get; set; } = "000000000000";

    /// <summary>The region for requests without a SigV4 credential scope.</summary>
    public string DefaultRegion { get; set; } = "us-east-1";

    /// <summary>
    /// True (Auth=iam, the default): every request must carry a valid SigV4 signature of a key Nimbus holds. False
    /// (Auth=off): signatures are not checked and every caller acts as the account's root, for throwaway local use.
    /// </summary>
    public bool Authenticate { get; set; } = true;

    /// <summary>
    /// True (the default): <c>GET /metrics</c> serves the platform's figures in Prometheus' text format, without a
    /// signature (Prometheus does not sign SigV4); only that method and path are exempt. False: no such page.
    /// </summary>
    public bool PrometheusEndpoint { get; set; } = true;
}
