// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;

namespace Nimbus.Bench;

/// <summary>
/// The cheapest possible external extension, compiled: registers for INVOKE and asks for the next event forever on one
/// keep-alive connection, in C (static, so it runs in any sandbox). With it the extensions figure measures what Nimbus
/// adds per invocation for an extension; the Python one adds the interpreter's own HTTP round trip on top.
/// </summary>
internal static class CompiledExtension
{
    private const string Source = """
        /* A no-op Lambda extension: registers for INVOKE and asks for the next event forever (one keep-alive connection). */
        #include <arpa/inet.h>
        #include <netinet/in.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <strings.h>
        #include <sys/socket.h>
        #include <unistd.h>

        static char buf[1 << 16];

        /* Reads one HTTP response (headers and a Content-Length body); copies the extension id header if asked. */
        static int response(int fd, char *id, size_t idsize) {
            size_t have = 0;
            char *end;
            for (;;) {
                ssize_t n = read(fd, buf + have, sizeof buf - 1 - have);
                if (n <= 0) return -1;
                have += (size_t)n;
                buf[have] = 0;
                if ((end = strstr(buf, "\r\n\r\n")) != NULL) break;
            }
            long length = 0;
            for (char *line = strstr(buf, "\r\n") + 2; line < end; line = strstr(line, "\r\n") + 2) {
                if (strncasecmp(line, "Content-Length:", 15) == 0) length = atol(line + 15);
                if (id && strncasecmp(line, "Lambda-Extension-Identifier:", 28) == 0) {
                    char *v = line + 28;
                    while (*v == ' ') v++;
                    size_t len = strcspn(v, "\r");
                    if (len >= idsize) len = idsize - 1;
                    memcpy(id, v, len);
                    id[len] = 0;
                }
            }
            size_t body = have - (size_t)(end + 4 - buf);
            while ((long)body < length) {
                ssize_t n = read(fd, buf, sizeof buf);
                if (n <= 0) return -1;
                body += (size_t)n;
            }
            return 0;
        }

        int main(void) {
            char host[256], *api = getenv("AWS_LAMBDA_RUNTIME_API"), id[128] = "", request[512];
            if (!api) return 1;
            snprintf(host, sizeof host, "%s", api);
            char *port = strrchr(host, ':');
            *port++ = 0;
            struct sockaddr_in address = {0};
            address.sin_family = AF_INET;
            address.sin_port = htons((unsigned short)atoi(port));
            if (inet_pton(AF_INET, host, &address.sin_addr) != 1) return 1;
            int fd = socket(AF_INET, SOCK_STREAM, 0);
            if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0) return 1;
            const char *events = "{\"events\":[\"INVOKE\"]}";
            int n = snprintf(request, sizeof request,
                "POST /2020-01-01/extension/register HTTP/1.1\r\nHost: %s\r\nLambda-Extension-Name: noop\r\nContent-Length: %zu\r\n\r\n%s",
                api, strlen(events), events);
            if (write(fd, request, (size_t)n) != n || response(fd, id, sizeof id) != 0) return 1;
            n = snprintf(request, sizeof request,
                "GET /2020-01-01/extension/event/next HTTP/1.1\r\nHost: %s\r\nLambda-Extension-Identifier: %s\r\n\r\n", api, id);
            for (;;) {
                if (write(fd, request, (size_t)n) != n || response(fd, NULL, 0) != 0) return 1;
            }
        }
        """;

    /// <summary>The executable built with gcc, or null (and why) when gcc cannot build it here.</summary>
    public static async Task<(byte[]? Executable, string? Why)> BuildAsync(CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("nb-ext-").FullName;
        try
        {
            var source = Path.Combine(directory, "noop.c");
            var output = Path.Combine(directory, "noop");
            await File.WriteAllTextAsync(source, Source + "\n", cancellationToken);
            var start = new ProcessStartInfo("gcc", ["-O2", "-static", "-o", output, source]) { RedirectStandardError = true, RedirectStandardOutput = true };
            using var gcc = Process.Start(start)!;
            var errors = await gcc.StandardError.ReadToEndAsync(cancellationToken);
            await gcc.WaitForExitAsync(cancellationToken);
            return gcc.ExitCode == 0 ? (await File.ReadAllBytesAsync(output, cancellationToken), null) : (null, "gcc failed: " + errors.Trim());
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (null, "gcc is not installed: " + e.Message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
