// SPDX-License-Identifier: Apache-2.0
//
// nimbus-idle: what nimbus-init becomes once the host serves the runtime's Runtime API itself
// (docs/internals/invoke-path.md#the-idle-supervisor). nimbus-init, a .NET program of ~6 MB resident, has nothing left
// to do on an invocation then; it executes this program in its own process (same pid, still the runtime's parent),
// which keeps doing what is left, with a few dozen KiB:
//
//   - reports the runtime's end to the host (Exited, with its status or signal), reaping every child;
//   - carries out Shutdown (SIGKILL first on a timeout or failure, else SIGTERM, grace-ms, SIGKILL) and exits;
//   - sends back any Invoke that still reaches it, byte for byte (the host gives it to the runtime itself);
//   - hands every new Runtime API connection to the host unread (Handover with its fd; closed at HandoverTaken);
//   - pipes connections to the platform bridge's address to the platform's Unix socket (AWS_ENDPOINT_URL).
//
// usage: nimbus-idle --host FD --runtime PID [--api FD]... [--bridge FD --platform PATH]
// Every descriptor is inherited from nimbus-init, which checked before executing this that it held nothing else
// (no other Runtime API connection, no bridge connection, no half-read frame, the runtime unreaped).
// The frame format is nimbus-init's (docs/internals/init-protocol.md): u32 length, u8 type, u16 header count,
// headers (u16 name length, name, u32 value length, value), body; little-endian.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum
{
    FrameExited = 7,
    FrameInvoke = 11,
    FrameShutdown = 12,
    FrameHandover = 16,
    FrameHandoverTaken = 17,
    FrameMaxLength = 8 * 1024 * 1024,
    MaxApiListeners = 4,
    MaxHeld = 64,
    MaxPipes = 128,
    PipeBuffer = 16 * 1024,
    KillWaitMs = 5000,
    AcceptBackoffMs = 100,
};

// A connection to the bridge's address and its connection to the platform socket; one buffer per direction.
struct pipe_pair
{
    int fd[2];            // 0: the function's connection, 1: the platform's
    char *buffer[2];      // buffer[i]: read from fd[i], to be written to fd[1 - i]
    size_t start[2], end[2];
    int done[2];          // fd[i] reached its end and fd[1 - i] was shut down for writing
};

static int s_host = -1;
static pid_t s_runtime;
static int s_runtime_ended;
static int s_api[MaxApiListeners];
static int s_api_count;
static int s_bridge = -1;

// A listener whose accept failed for want of a resource (EMFILE, ENFILE, ENOMEM) is left out of poll until then:
// the connection stays in its backlog and would make poll return at once, again and again.
static long long s_api_resume[MaxApiListeners];
static long long s_bridge_resume;
static const char *s_platform;
static int s_held[MaxHeld];
static int s_held_count;
static struct pipe_pair s_pipes[MaxPipes];
static int s_pipe_count;

// Shutdown: 0 none; 1 the runtime was SIGKILLed (timeout, failure); 2 SIGTERMed, grace running; 3 SIGKILLed after it.
static int s_phase;
static long long s_deadline;
static int s_grace_ms;

static void say(const char *message)
{
    // stderr is the sandbox's: the host logs it as nimbus-init's.
    dprintf(2, "nimbus-init: %s\n", message);
}

static long long now_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static void wait_ready(int fd, short events)
{
    struct pollfd p = { .fd = fd, .events = events };
    while (poll(&p, 1, -1) < 0 && errno == EINTR)
    {
    }
}

// The host socket is non-blocking (nimbus-init's .NET socket was): these wait for it, as a frame already begun is
// finished by the host without pause. 0: done, -1: the host is gone (or closed the socket mid-frame).
static int read_full(int fd, void *buffer, size_t length, int allow_end)
{
    size_t done = 0;
    while (done < length)
    {
        ssize_t n = read(fd, (char *)buffer + done, length - done);
        if (n > 0)
        {
            done += (size_t)n;
        }
        else if (n == 0)
        {
            return allow_end && done == 0 ? 1 : -1;
        }
        else if (errno == EAGAIN)
        {
            wait_ready(fd, POLLIN);
        }
        else if (errno != EINTR)
        {
            return -1;
        }
    }

    return 0;
}

static int write_full(int fd, const void *buffer, size_t length)
{
    size_t done = 0;
    while (done < length)
    {
        ssize_t n = send(fd, (const char *)buffer + done, length - done, MSG_NOSIGNAL);
        if (n >= 0)
        {
            done += (size_t)n;
        }
        else if (errno == EAGAIN)
        {
            wait_ready(fd, POLLOUT);
        }
        else if (errno != EINTR)
        {
            return -1;
        }
    }

    return 0;
}

static void put16(unsigned char *at, unsigned value)
{
    at[0] = (unsigned char)value;
    at[1] = (unsigned char)(value >> 8);
}

static void put32(unsigned char *at, uint32_t value)
{
    put16(at, value & 0xffff);
    put16(at + 2, value >> 16);
}

static unsigned get16(const unsigned char *at) { return at[0] | (unsigned)at[1] << 8; }

static uint32_t get32(const unsigned char *at) { return get16(at) | (uint32_t)get16(at + 2) << 16; }

// A frame of one header and no body (Exited, Handover).
static void send_frame(int type, const char *name, const char *value)
{
    unsigned char frame[128];
    size_t name_length = strlen(name), value_length = strlen(value);
    uint32_t length = (uint32_t)(1 + 2 + 2 + name_length + 4 + value_length);
    put32(frame, length);
    frame[4] = (unsigned char)type;
    put16(frame + 5, 1);
    put16(frame + 7, (unsigned)name_length);
    memcpy(frame + 9, name, name_length);
    put32(frame + 9 + name_length, (uint32_t)value_length);
    memcpy(frame + 13 + name_length, value, value_length);
    if (write_full(s_host, frame, 4 + length) != 0)
    {
        // The host is gone: the next read of its socket ends this program.
        say("could not write to the host");
    }
}

static void signal_group(int signal)
{
    // Never pid 1 or below: kill(-1) would signal every process this one may signal.
    if (s_runtime <= 1)
    {
        return;
    }

    // The runtime leads its own process group; if it left the group, signal the runtime itself.
    if (kill(-s_runtime, signal) != 0 && !s_runtime_ended)
    {
        kill(s_runtime, signal);
    }
}

static void reap(void)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
    {
        if (pid != s_runtime || s_runtime_ended)
        {
            continue;
        }

        s_runtime_ended = 1;
        char value[16];
        if (WIFSIGNALED(status))
        {
            snprintf(value, sizeof value, "%d", WTERMSIG(status));
            send_frame(FrameExited, "signal", value);
        }
        else
        {
            snprintf(value, sizeof value, "%d", WEXITSTATUS(status));
            send_frame(FrameExited, "status", value);
        }
    }
}

static void finish(int status)
{
    // Whatever the runtime left behind in its group goes too.
    signal_group(SIGKILL);
    exit(status);
}

// Finds a header's value in a frame's bytes after its type; 0 when absent or malformed.
static int header(const unsigned char *frame, uint32_t length, const char *name, char *value, size_t size)
{
    if (length < 3)
    {
        return 0;
    }

    unsigned count = get16(frame + 1);
    size_t offset = 3, name_length = strlen(name);
    for (unsigned i = 0; i < count; i++)
    {
        if (length - offset < 2)
        {
            return 0;
        }

        size_t this_name = get16(frame + offset);
        offset += 2;
        if (length - offset < this_name + 4)
        {
            return 0;
        }

        const unsigned char *this = frame + offset;
        offset += this_name;
        uint32_t this_value = get32(frame + offset);
        offset += 4;
        if (length - offset < this_value)
        {
            return 0;
        }

        if (this_name == name_length && memcmp(this, name, name_length) == 0)
        {
            if (this_value >= size)
            {
                return 0;
            }

            memcpy(value, frame + offset, this_value);
            value[this_value] = 0;
            return 1;
        }

        offset += this_value;
    }

    return 0;
}

// Whether a frame's headers lie within it, as nimbus-init's FrameCodec.Parse requires of every frame.
static int well_formed(const unsigned char *frame, uint32_t length)
{
    unsigned count = get16(frame + 1);
    size_t offset = 3;
    for (unsigned i = 0; i < count; i++)
    {
        if (length - offset < 2 || length - offset - 2 < get16(frame + offset) + (size_t)4)
        {
            return 0;
        }

        offset += 2 + get16(frame + offset);
        uint32_t value = get32(frame + offset);
        offset += 4;
        if (length - offset < value)
        {
            return 0;
        }

        offset += value;
    }

    return 1;
}

static int parse_int(const char *text, int *result)
{
    if (*text == 0)
    {
        return 0;
    }

    int value = 0;
    for (const char *c = text; *c; c++)
    {
        if (*c < '0' || *c > '9' || value > (INT_MAX - (*c - '0')) / 10)
        {
            return 0;
        }

        value = value * 10 + (*c - '0');
    }

    *result = value;
    return 1;
}

static void start_shutdown(const unsigned char *frame, uint32_t length)
{
    char value[32];
    int grace = 0;
    if (header(frame, length, "grace-ms", value, sizeof value))
    {
        parse_int(value, &grace);
    }

    s_grace_ms = grace;
    int reset = header(frame, length, "reason", value, sizeof value) && (strcmp(value, "timeout") == 0 || strcmp(value, "failure") == 0);
    if (s_runtime_ended)
    {
        finish(0);
    }

    if (reset)
    {
        // A reset (AWS's extensions API page, "Invoke failures"): the runtime goes at once.
        signal_group(SIGKILL);
        s_phase = 1;
        s_deadline = now_ms() + KillWaitMs;
    }
    else
    {
        signal_group(SIGTERM);
        s_phase = 2;
        s_deadline = now_ms() + grace;
    }
}

// The shutdown's deadline passed with the runtime still there.
static void shutdown_deadline(void)
{
    switch (s_phase)
    {
        case 1:
            say("the runtime did not die after SIGKILL");
            signal_group(SIGTERM);
            s_phase = 2;
            s_deadline = now_ms() + s_grace_ms;
            break;
        case 2:
            signal_group(SIGKILL);
            s_phase = 3;
            s_deadline = now_ms() + KillWaitMs;
            break;
        default:
            say("the runtime did not die after SIGKILL");
            finish(0);
    }
}

static void take_handover(const unsigned char *frame, uint32_t length)
{
    char value[16];
    int fd;
    if (!header(frame, length, "fd", value, sizeof value) || !parse_int(value, &fd))
    {
        return;
    }

    for (int i = 0; i < s_held_count; i++)
    {
        if (s_held[i] == fd)
        {
            close(fd);
            s_held[i] = s_held[--s_held_count];
            return;
        }
    }
}

static void read_frame(void)
{
    unsigned char prefix[4];
    int end = read_full(s_host, prefix, sizeof prefix, 1);
    if (end != 0)
    {
        // The host went away (1: cleanly): nothing will collect the runtime's results; stop it and all it started.
        finish(end == 1 ? 0 : 1);
    }

    uint32_t length = get32(prefix);
    if (length < 3 || length > FrameMaxLength)
    {
        say("host connection failed: bad frame length");
        finish(1);
    }

    unsigned char *frame = malloc(length);
    if (frame == NULL)
    {
        say("out of memory reading a frame");
        finish(1);
    }

    if (read_full(s_host, frame, length, 0) != 0)
    {
        say("host connection failed: the peer closed the socket in the middle of a frame");
        finish(1);
    }

    if (!well_formed(frame, length))
    {
        // As nimbus-init: the stream is out of step with the host; nothing read from it can be trusted.
        say("host connection failed: a frame header runs past the end of the frame");
        finish(1);
    }

    switch (frame[0])
    {
        case FrameInvoke:
            // The host serves the runtime's connection now (it sent this before it learnt so): back to it, as it came.
            if (write_full(s_host, prefix, sizeof prefix) != 0 || write_full(s_host, frame, length) != 0)
            {
                say("could not write to the host");
            }

            break;
        case FrameShutdown:
            start_shutdown(frame, length);
            break;
        case FrameHandoverTaken:
            take_handover(frame, length);
            break;
        default:
            dprintf(2, "nimbus-init: ignoring a frame of type %d\n", frame[0]);
            break;
    }

    // Large frames (an Invoke's payload) were mmapped by malloc: their pages go back to the system here.
    free(frame);
}

// An accept that failed: true when for want of a resource (the listener then rests a while), not a connection gone.
static int accept_failed(void)
{
    return errno != EAGAIN && errno != EINTR && errno != ECONNABORTED && errno != EPROTO && errno != EPERM;
}

static void accept_api(int index)
{
    int fd = accept4(s_api[index], NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
    {
        if (accept_failed())
        {
            s_api_resume[index] = now_ms() + AcceptBackoffMs;
        }

        return;
    }

    if (s_held_count == MaxHeld)
    {
        // The host has not taken the ones before: a runtime opening connections without end gets them refused.
        close(fd);
        return;
    }

    int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    s_held[s_held_count++] = fd;
    char value[16];
    snprintf(value, sizeof value, "%d", fd);
    send_frame(FrameHandover, "fd", value);
}

static void close_pipe(int index)
{
    struct pipe_pair *pair = &s_pipes[index];
    for (int side = 0; side < 2; side++)
    {
        close(pair->fd[side]);
        free(pair->buffer[side]);
    }

    s_pipes[index] = s_pipes[--s_pipe_count];
}

static void accept_bridge(void)
{
    int client = accept4(s_bridge, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (client < 0)
    {
        if (accept_failed())
        {
            s_bridge_resume = now_ms() + AcceptBackoffMs;
        }

        return;
    }

    struct sockaddr_un address = { .sun_family = AF_UNIX };
    int platform = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    char *in = malloc(PipeBuffer), *out = malloc(PipeBuffer);
    if (s_pipe_count == MaxPipes || platform < 0 || in == NULL || out == NULL || strlen(s_platform) >= sizeof address.sun_path)
    {
        goto refuse;
    }

    strcpy(address.sun_path, s_platform);
    // A non-blocking Unix socket's connect completes at once or fails (EAGAIN: the server's backlog is full): no
    // wait here, where the runtime's end and the host's frames are watched.
    if (connect(platform, (struct sockaddr *)&address, sizeof address) != 0)
    {
        goto refuse;
    }

    int on = 1;
    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    s_pipes[s_pipe_count++] = (struct pipe_pair){ .fd = { client, platform }, .buffer = { in, out } };
    return;

refuse:
    close(client);
    if (platform >= 0)
    {
        close(platform);
    }

    free(in);
    free(out);
}

// Moves what can move on one pair; 0 when the pair is over (both ends done, or an error).
static int pump(struct pipe_pair *pair, const struct pollfd *polled)
{
    for (int side = 0; side < 2; side++)
    {
        int other = 1 - side;
        if (pair->done[side])
        {
            continue;
        }

        if (pair->start[side] == pair->end[side] && (polled[side].revents & (POLLIN | POLLHUP | POLLERR)))
        {
            ssize_t n = read(pair->fd[side], pair->buffer[side], PipeBuffer);
            if (n == 0)
            {
                shutdown(pair->fd[other], SHUT_WR);
                pair->done[side] = 1;
                continue;
            }

            if (n < 0)
            {
                if (errno == EAGAIN || errno == EINTR)
                {
                    continue;
                }

                return 0;
            }

            pair->start[side] = 0;
            pair->end[side] = (size_t)n;
        }

        if (pair->start[side] < pair->end[side])
        {
            ssize_t n = send(pair->fd[other], pair->buffer[side] + pair->start[side], pair->end[side] - pair->start[side], MSG_NOSIGNAL);
            if (n < 0 && errno != EAGAIN && errno != EINTR)
            {
                return 0;
            }

            if (n > 0)
            {
                pair->start[side] += (size_t)n;
            }
        }
    }

    return !(pair->done[0] && pair->done[1]);
}

// Before the loop: nothing would supervise the runtime, so it goes too (nimbus-init could not have meant this).
static void give_up(const char *message, int status)
{
    say(message);
    if (s_runtime > 0)
    {
        signal_group(SIGKILL);
    }

    exit(status);
}

static void usage(void)
{
    give_up("usage: nimbus-idle --host FD --runtime PID [--api FD]... [--bridge FD --platform PATH]", 2);
}

// Every inherited descriptor must be open: a closed one would make poll answer POLLNVAL at once, for ever.
static void check_open(int fd)
{
    if (fcntl(fd, F_GETFD) < 0)
    {
        give_up("an inherited descriptor is not open", 2);
    }
}

static void parse_arguments(int argc, char **argv)
{
    // The runtime first, so that a mistake in the rest still stops it.
    for (int i = 1; i + 1 < argc; i += 2)
    {
        int number;
        if (strcmp(argv[i], "--runtime") == 0 && parse_int(argv[i + 1], &number) && number > 1)
        {
            s_runtime = number;
        }
    }

    int runtime = 0;
    for (int i = 1; i < argc; i += 2)
    {
        if (i + 1 >= argc)
        {
            usage();
        }

        const char *name = argv[i], *value = argv[i + 1];
        int number = -1;
        if (strcmp(name, "--platform") == 0)
        {
            s_platform = value;
            continue;
        }

        if (!parse_int(value, &number))
        {
            usage();
        }

        if (strcmp(name, "--host") == 0)
        {
            s_host = number;
        }
        else if (strcmp(name, "--runtime") == 0)
        {
            runtime = number;
        }
        else if (strcmp(name, "--api") == 0 && s_api_count < MaxApiListeners)
        {
            s_api[s_api_count++] = number;
        }
        else if (strcmp(name, "--bridge") == 0)
        {
            s_bridge = number;
        }
        else
        {
            usage();
        }
    }

    if (s_host < 0 || runtime <= 1 || (s_bridge >= 0 && s_platform == NULL))
    {
        usage();
    }

    check_open(s_host);
    for (int i = 0; i < s_api_count; i++)
    {
        check_open(s_api[i]);
    }

    if (s_bridge >= 0)
    {
        check_open(s_bridge);
    }
}

int main(int argc, char **argv)
{
    parse_arguments(argc, argv);

    // SIGCHLD through a signalfd (blocked, so it is queued there); nothing else blocked, whatever the mask that
    // executed this. SIGPIPE stays as nimbus-init left it (ignored): sends use MSG_NOSIGNAL anyway.
    sigset_t child;
    sigemptyset(&child);
    sigaddset(&child, SIGCHLD);
    signal(SIGCHLD, SIG_DFL);
    if (sigprocmask(SIG_SETMASK, &child, NULL) != 0)
    {
        give_up("sigprocmask failed", 1);
    }

    int children = signalfd(-1, &child, SFD_NONBLOCK | SFD_CLOEXEC);
    if (children < 0)
    {
        give_up("signalfd failed", 1);
    }

    // A child that ended before the signalfd existed signalled no one.
    reap();

    struct pollfd polled[2 + MaxApiListeners + 1 + 2 * MaxPipes];
    for (;;)
    {
        int count = 0;
        polled[count++] = (struct pollfd){ .fd = s_host, .events = POLLIN };
        polled[count++] = (struct pollfd){ .fd = children, .events = POLLIN };
        long long now = now_ms(), wake = -1;
        int apis = count;
        for (int i = 0; i < s_api_count; i++)
        {
            int resting = s_api_resume[i] > now;
            polled[count++] = (struct pollfd){ .fd = resting ? -1 : s_api[i], .events = POLLIN };
            wake = resting && (wake < 0 || s_api_resume[i] < wake) ? s_api_resume[i] : wake;
        }

        int bridge = count;
        if (s_bridge >= 0)
        {
            int resting = s_bridge_resume > now;
            polled[count++] = (struct pollfd){ .fd = resting ? -1 : s_bridge, .events = POLLIN };
            wake = resting && (wake < 0 || s_bridge_resume < wake) ? s_bridge_resume : wake;
        }

        int pipes = count;
        for (int i = 0; i < s_pipe_count; i++)
        {
            struct pipe_pair *pair = &s_pipes[i];
            for (int side = 0; side < 2; side++)
            {
                int other = 1 - side;
                short events = 0;
                if (!pair->done[side] && pair->start[side] == pair->end[side])
                {
                    events |= POLLIN;
                }

                if (!pair->done[other] && pair->start[other] < pair->end[other])
                {
                    events |= POLLOUT;
                }

                // Nothing asked of it: left out (a negative fd), or a hang-up would wake poll again and again while
                // the other side's data waits (the peer's end is seen when it is read again).
                polled[count++] = (struct pollfd){ .fd = events != 0 ? pair->fd[side] : -1, .events = events };
            }
        }

        if (s_phase != 0 && (wake < 0 || s_deadline < wake))
        {
            wake = s_deadline;
        }

        int timeout = -1;
        if (wake >= 0)
        {
            long long left = wake - now;
            timeout = left <= 0 ? 0 : left > 60000 ? 60000 : (int)left;
        }

        int ready = poll(polled, (nfds_t)count, timeout);
        if (ready < 0)
        {
            if (errno == EINTR)
            {
                continue;
            }

            say("poll failed");
            finish(1);
        }

        if (polled[1].revents & POLLIN)
        {
            struct signalfd_siginfo info;
            while (read(children, &info, sizeof info) == sizeof info)
            {
            }

            reap();
        }

        if (s_phase != 0 && s_runtime_ended)
        {
            finish(0);
        }

        if (s_phase != 0 && now_ms() >= s_deadline)
        {
            shutdown_deadline();
        }

        // Pairs first: accepting below may reorder them.
        for (int i = s_pipe_count - 1; i >= 0; i--)
        {
            if (!pump(&s_pipes[i], &polled[pipes + 2 * i]))
            {
                close_pipe(i);
            }
        }

        for (int i = 0; i < s_api_count; i++)
        {
            if (polled[apis + i].revents & POLLIN)
            {
                accept_api(i);
            }
        }

        if (s_bridge >= 0 && (polled[bridge].revents & POLLIN))
        {
            accept_bridge();
        }

        if (polled[0].revents & POLLNVAL)
        {
            give_up("host connection failed: its descriptor was closed", 1);
        }

        if (polled[0].revents & (POLLIN | POLLHUP | POLLERR))
        {
            read_frame();
        }
    }
}
