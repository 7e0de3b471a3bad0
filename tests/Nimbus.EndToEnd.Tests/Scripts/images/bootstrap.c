/* SPDX-License-Identifier: Apache-2.0 */
/* A Lambda custom runtime in C for the container-image tests: built with gcc -static, it needs nothing of the
   image but itself. It answers each event with a JSON object describing what it saw: the event, its argv, working
   directory, some environment variables and a file of the image, so the tests can check the image contract. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char host[64];
static int port;

static int connect_api(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {0};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    inet_pton(AF_INET, host, &address.sin_addr);
    if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0) { perror("connect"); exit(1); }
    return fd;
}

static void write_all(int fd, const char *data, size_t length) {
    while (length > 0) { ssize_t n = write(fd, data, length); if (n <= 0) exit(1); data += n; length -= n; }
}

/* Reads one HTTP response into buffer; returns the body's start and sets the request id. */
static char *read_response(int fd, char *buffer, size_t size, char *request_id, size_t *body_length) {
    size_t used = 0; char *end = NULL; long content_length = 0;
    while (!end) {
        ssize_t n = read(fd, buffer + used, size - used - 1);
        if (n <= 0) exit(1);
        used += n; buffer[used] = 0; end = strstr(buffer, "\r\n\r\n");
    }
    for (char *line = strstr(buffer, "\r\n") + 2; line < end; line = strstr(line, "\r\n") + 2) {
        if (strncasecmp(line, "Content-Length:", 15) == 0) content_length = atol(line + 15);
        if (request_id && strncasecmp(line, "Lambda-Runtime-Aws-Request-Id:", 30) == 0) {
            char *value = line + 30; while (*value == ' ') value++;
            size_t length = strcspn(value, "\r"); memcpy(request_id, value, length); request_id[length] = 0;
        }
    }
    char *body = end + 4;
    while ((long)(used - (body - buffer)) < content_length) {
        ssize_t n = read(fd, buffer + used, size - used - 1);
        if (n <= 0) break;
        used += n;
    }
    buffer[used] = 0; *body_length = content_length;
    return body;
}

static const char *env(const char *name) { const char *v = getenv(name); return v ? v : ""; }

int main(int argc, char **argv) {
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    if (!api) { fprintf(stderr, "no AWS_LAMBDA_RUNTIME_API\n"); return 1; }
    const char *colon = strrchr(api, ':');
    memcpy(host, api, colon - api); host[colon - api] = 0; port = atoi(colon + 1);
    char marker[128] = "";
    FILE *file = fopen("/etc/image-marker", "r");
    if (file) { if (fgets(marker, sizeof marker, file)) marker[strcspn(marker, "\n")] = 0; fclose(file); }
    char link_text[128] = "";
    file = fopen("/etc/marker-link", "r");
    if (file) { if (fgets(link_text, sizeof link_text, file)) link_text[strcspn(link_text, "\n")] = 0; fclose(file); }
    char resolver[128] = "";
    file = fopen("/etc/resolv.conf", "r");
    if (file) { if (fgets(resolver, sizeof resolver, file)) resolver[strcspn(resolver, "\n")] = 0; fclose(file); }
    int removed = access("/etc/removed", F_OK) == 0;
    int symlink_ok = access("/usr/bin/boot", X_OK) == 0;
    int fd_rw = open("/var/task/written", O_CREAT | O_WRONLY, 0644);
    int read_only = fd_rw < 0;
    if (fd_rw >= 0) close(fd_rw);
    char cwd[256]; if (!getcwd(cwd, sizeof cwd)) strcpy(cwd, "?");
    char args[512] = "";
    for (int i = 1; i < argc; i++) { strcat(args, i > 1 ? ",\"" : "\""); strncat(args, argv[i], 64); strcat(args, "\""); }
    printf("bootstrap started in %s\n", cwd); fflush(stdout);
    static char buffer[1 << 20], answer[1 << 20], request[1 << 20];
    for (;;) {
        int fd = connect_api();
        const char *next = "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: api\r\nConnection: close\r\n\r\n";
        write_all(fd, next, strlen(next));
        char id[128] = ""; size_t length;
        char *event = read_response(fd, buffer, sizeof buffer, id, &length);
        close(fd);
        event[length] = 0;
        int n = snprintf(answer, sizeof answer,
            "{\"event\":%s,\"args\":[%s],\"cwd\":\"%s\",\"marker\":\"%s\",\"greeting\":\"%s\",\"image_var\":\"%s\",\"shared\":\"%s\",\"task_root\":\"%s\",\"handler\":\"%s\","
            "\"hard_link\":\"%s\",\"removed_exists\":%s,\"symlink_ok\":%s,\"read_only\":%s,\"uid\":%d,\"resolver\":\"%s\"}",
            length ? event : "null", args, cwd, marker, env("GREETING"), env("IMAGE_VAR"), env("SHARED"), env("LAMBDA_TASK_ROOT"), env("_HANDLER"),
            link_text, removed ? "true" : "false", symlink_ok ? "true" : "false", read_only ? "true" : "false", (int)getuid(), resolver);
        fd = connect_api();
        int header = snprintf(request, sizeof request,
            "POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\nHost: api\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", id, n);
        write_all(fd, request, header); write_all(fd, answer, n);
        read_response(fd, buffer, sizeof buffer, NULL, &length);
        close(fd);
    }
}
