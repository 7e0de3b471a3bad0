// SPDX-License-Identifier: Apache-2.0
//
// nimbus-net: the outbound network of every runc sandbox of one server, in one unprivileged process
// (docs/internals/isolation.md#outbound-network). Each sandbox gets its own user-mode NAT (a libslirp instance, the
// stack slirp4netns runs) on a tap device the server made in the sandbox's network namespace and passed here:
// 10.0.2.100/24 in the sandbox, gateway 10.0.2.2, DNS 10.0.2.3, MTU 65520, the host's 127.0.0.0/8 refused through
// the gateway. Instances share nothing but this process: each has its own addresses, connections and DNS forwarder,
// and a packet of one tap only ever reaches its own instance. One process instead of a slirp4netns per sandbox saves
// ~3 MB of resident memory per environment (the shared libraries' pages, mapped once here).
//
// usage: nimbus-net   (fd 0: the server's control socket, SOCK_SEQPACKET; fd 2: log lines)
// Messages, one per datagram: 'A' u64 id, with the tap's fd (SCM_RIGHTS): start an instance on it;
// 'R' u64 id: end it and close the tap. The control socket's end (the server's exit, even a kill -9) ends this
// process. Started as root it gives up root first (uid/gid 65534, no groups, no new privileges): it only needs the
// descriptors it is given and sockets of its own.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <slirp/libslirp.h>

enum
{
    ControlFd = 0,
    NobodyId = 65534,
    Mtu = 65520,
    FrameBuffer = Mtu + 14 + 64,   // an Ethernet header and room to spare
    ReadsPerWakeup = 64,           // frames read from one tap before the others get their turn
};

struct timer;

// One sandbox's network.
struct net
{
    uint64_t id;
    int tap;
    int tap_index;       // the tap's entry in the poll array of this round, -1 when not polled
    bool gone;           // the tap failed (its namespace ended): not polled again, kept until 'R'
    Slirp *slirp;
};

// A libslirp timer; expire_ms < 0 when not armed.
struct timer
{
    struct timer *next;
    SlirpTimerCb callback;
    void *callback_opaque;
    int64_t expire_ms;
};

static struct net **nets;
static size_t net_count, net_capacity;
static struct timer *timers;
static struct pollfd *fds;
static size_t fd_count, fd_capacity;
static uint8_t frame[FrameBuffer];

static void say(const char *format, ...)
{
    char line[512];
    va_list arguments;
    va_start(arguments, format);
    int length = vsnprintf(line, sizeof line - 1, format, arguments);
    va_end(arguments);
    if (length < 0)
    {
        return;
    }
    if ((size_t)length > sizeof line - 2)
    {
        length = sizeof line - 2;
    }
    line[length++] = '\n';
    // A log line is best effort: a full or closed stderr must not stop the network.
    ssize_t written = write(2, line, (size_t)length);
    (void)written;
}

static void *grown(void *items, size_t *capacity, size_t needed, size_t size)
{
    if (needed <= *capacity)
    {
        return items;
    }
    size_t next = *capacity ? *capacity * 2 : 16;
    while (next < needed)
    {
        next *= 2;
    }
    void *moved = realloc(items, next * size);
    if (moved == NULL)
    {
        say("nimbus-net: out of memory");
        exit(1);
    }
    *capacity = next;
    return moved;
}

static int64_t now_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

// libslirp's callbacks. The opaque value is the instance's struct net.

static ssize_t send_packet(const void *buffer, size_t length, void *opaque)
{
    struct net *net = opaque;
    ssize_t written = write(net->tap, buffer, length);
    if (written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
    {
        // The sandbox is not reading: the frame is dropped, as a full link would; TCP sends it again.
        return (ssize_t)length;
    }
    return written;
}

static void guest_error(const char *message, void *opaque)
{
    struct net *net = opaque;
    say("nimbus-net: sandbox %" PRIu64 ": %s", net->id, message);
}

static int64_t clock_get_ns(void *opaque)
{
    (void)opaque;
    return now_ns();
}

static void *timer_new(SlirpTimerCb callback, void *callback_opaque, void *opaque)
{
    (void)opaque;
    struct timer *timer = calloc(1, sizeof *timer);
    if (timer == NULL)
    {
        say("nimbus-net: out of memory");
        exit(1);
    }
    timer->callback = callback;
    timer->callback_opaque = callback_opaque;
    timer->expire_ms = -1;
    timer->next = timers;
    timers = timer;
    return timer;
}

static void timer_free(void *gone, void *opaque)
{
    (void)opaque;
    for (struct timer **link = &timers; *link != NULL; link = &(*link)->next)
    {
        if (*link == gone)
        {
            *link = ((struct timer *)gone)->next;
            free(gone);
            return;
        }
    }
}

static void timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
    (void)opaque;
    ((struct timer *)timer)->expire_ms = expire_ms;
}

static void register_poll_fd(int fd, void *opaque)
{
    // Every round fills the poll array afresh: nothing to keep.
    (void)fd;
    (void)opaque;
}

static void unregister_poll_fd(int fd, void *opaque)
{
    (void)fd;
    (void)opaque;
}

static void notify(void *opaque)
{
    (void)opaque;
}

static const SlirpCb callbacks = {
    .send_packet = send_packet,
    .guest_error = guest_error,
    .clock_get_ns = clock_get_ns,
    .timer_new = timer_new,
    .timer_free = timer_free,
    .timer_mod = timer_mod,
    .register_poll_fd = register_poll_fd,
    .unregister_poll_fd = unregister_poll_fd,
    .notify = notify,
};

static int add_poll(int fd, int events, void *opaque)
{
    (void)opaque;
    fds = grown(fds, &fd_capacity, fd_count + 1, sizeof *fds);
    short wanted = 0;
    if (events & SLIRP_POLL_IN)
    {
        wanted |= POLLIN;
    }
    if (events & SLIRP_POLL_OUT)
    {
        wanted |= POLLOUT;
    }
    if (events & SLIRP_POLL_PRI)
    {
        wanted |= POLLPRI;
    }
    fds[fd_count] = (struct pollfd){ .fd = fd, .events = wanted };
    return (int)fd_count++;
}

static int get_revents(int index, void *opaque)
{
    (void)opaque;
    if (index < 0 || (size_t)index >= fd_count)
    {
        return 0;
    }
    short got = fds[index].revents;
    int events = 0;
    if (got & POLLIN)
    {
        events |= SLIRP_POLL_IN;
    }
    if (got & POLLOUT)
    {
        events |= SLIRP_POLL_OUT;
    }
    if (got & POLLPRI)
    {
        events |= SLIRP_POLL_PRI;
    }
    if (got & POLLERR)
    {
        events |= SLIRP_POLL_ERR;
    }
    if (got & POLLHUP)
    {
        events |= SLIRP_POLL_HUP;
    }
    return events;
}

static struct net *find(uint64_t id, size_t *index)
{
    for (size_t i = 0; i < net_count; i++)
    {
        if (nets[i]->id == id)
        {
            if (index != NULL)
            {
                *index = i;
            }
            return nets[i];
        }
    }
    return NULL;
}

static void start(uint64_t id, int tap)
{
    if (find(id, NULL) != NULL)
    {
        say("nimbus-net: sandbox %" PRIu64 " already has a network; the second tap is closed", id);
        close(tap);
        return;
    }
    int flags = fcntl(tap, F_GETFL);
    if (flags < 0 || fcntl(tap, F_SETFL, flags | O_NONBLOCK) < 0)
    {
        say("nimbus-net: sandbox %" PRIu64 ": the tap's descriptor is unusable: %s", id, strerror(errno));
        close(tap);
        return;
    }
    struct net *net = calloc(1, sizeof *net);
    if (net == NULL)
    {
        say("nimbus-net: out of memory");
        exit(1);
    }
    net->id = id;
    net->tap = tap;
    net->tap_index = -1;

    SlirpConfig config = {
        .version = 3,
        .in_enabled = true,
        .if_mtu = Mtu,
        .if_mru = Mtu,
        .disable_host_loopback = true,
    };
    inet_pton(AF_INET, "10.0.2.0", &config.vnetwork);
    inet_pton(AF_INET, "255.255.255.0", &config.vnetmask);
    inet_pton(AF_INET, "10.0.2.2", &config.vhost);
    inet_pton(AF_INET, "10.0.2.15", &config.vdhcp_start);
    inet_pton(AF_INET, "10.0.2.3", &config.vnameserver);
    net->slirp = slirp_new(&config, &callbacks, net);
    if (net->slirp == NULL)
    {
        say("nimbus-net: sandbox %" PRIu64 ": libslirp refused the configuration", id);
        close(tap);
        free(net);
        return;
    }
    nets = grown(nets, &net_capacity, net_count + 1, sizeof *nets);
    nets[net_count++] = net;
}

static void stop(uint64_t id)
{
    size_t index;
    struct net *net = find(id, &index);
    if (net == NULL)
    {
        return;
    }
    slirp_cleanup(net->slirp);
    close(net->tap);
    free(net);
    nets[index] = nets[--net_count];
}

// One control message; false when the control socket has ended (or failed), which ends this process.
static bool control(void)
{
    uint8_t message[16];
    union
    {
        struct cmsghdr header;
        char space[CMSG_SPACE(4 * sizeof(int))];
    } ancillary;
    struct iovec vector = { .iov_base = message, .iov_len = sizeof message };
    struct msghdr header = {
        .msg_iov = &vector,
        .msg_iovlen = 1,
        .msg_control = ancillary.space,
        .msg_controllen = sizeof ancillary.space,
    };
    ssize_t length = recvmsg(ControlFd, &header, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
    if (length < 0 && (errno == EAGAIN || errno == EINTR))
    {
        return true;
    }
    if (length <= 0)
    {
        return false;
    }

    // Every descriptor that came is either kept as the tap of an 'A' or closed.
    int received[4];
    size_t received_count = 0;
    for (struct cmsghdr *part = CMSG_FIRSTHDR(&header); part != NULL; part = CMSG_NXTHDR(&header, part))
    {
        if (part->cmsg_level != SOL_SOCKET || part->cmsg_type != SCM_RIGHTS)
        {
            continue;
        }
        size_t count = (part->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < count && received_count < 4; i++)
        {
            memcpy(&received[received_count++], CMSG_DATA(part) + i * sizeof(int), sizeof(int));
        }
    }

    uint64_t id = 0;
    bool well_formed = length == 9 && (header.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) == 0;
    if (well_formed)
    {
        memcpy(&id, message + 1, sizeof id);
    }
    if (well_formed && message[0] == 'A' && received_count == 1)
    {
        start(id, received[0]);
        return true;
    }
    for (size_t i = 0; i < received_count; i++)
    {
        close(received[i]);
    }
    if (well_formed && message[0] == 'R' && received_count == 0)
    {
        stop(id);
        return true;
    }
    say("nimbus-net: a malformed control message (%zd bytes) was ignored", length);
    return true;
}

static void read_tap(struct net *net)
{
    for (int i = 0; i < ReadsPerWakeup; i++)
    {
        ssize_t length = read(net->tap, frame, sizeof frame);
        if (length < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        {
            net->gone = true;
        }
        if (length <= 0)
        {
            return;
        }
        slirp_input(net->slirp, frame, (int)length);
    }
}

static void run_timers(void)
{
    int64_t now_ms = now_ns() / 1000000;
    // A callback may arm, free or make timers: start again after each one that ran.
    for (bool ran = true; ran;)
    {
        ran = false;
        for (struct timer *timer = timers; timer != NULL; timer = timer->next)
        {
            if (timer->expire_ms >= 0 && timer->expire_ms <= now_ms)
            {
                timer->expire_ms = -1;
                timer->callback(timer->callback_opaque);
                ran = true;
                break;
            }
        }
    }
}

static int next_timer_ms(void)
{
    int64_t now_ms = now_ns() / 1000000, soonest = -1;
    for (struct timer *timer = timers; timer != NULL; timer = timer->next)
    {
        if (timer->expire_ms >= 0)
        {
            int64_t wait = timer->expire_ms > now_ms ? timer->expire_ms - now_ms : 0;
            soonest = soonest < 0 || wait < soonest ? wait : soonest;
        }
    }
    return soonest < 0 ? -1 : soonest > 60000 ? 60000 : (int)soonest;
}

static void give_up_root(void)
{
    if (geteuid() != 0)
    {
        return;
    }
    if (setgroups(0, NULL) != 0 || setgid(NobodyId) != 0 || setuid(NobodyId) != 0)
    {
        say("nimbus-net: cannot give up root: %s", strerror(errno));
        exit(1);
    }
}

int main(int argc, char **argv)
{
    (void)argv;
    if (argc != 1)
    {
        say("usage: nimbus-net   (fd 0: the server's control socket)");
        return 2;
    }
    int type = 0;
    socklen_t size = sizeof type;
    if (getsockopt(ControlFd, SOL_SOCKET, SO_TYPE, &type, &size) != 0 || type != SOCK_SEQPACKET)
    {
        say("nimbus-net: fd 0 must be the server's SOCK_SEQPACKET control socket");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    give_up_root();
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    if (chdir("/") != 0)
    {
        say("nimbus-net: chdir /: %s", strerror(errno));
    }

    for (;;)
    {
        fd_count = 0;
        add_poll(ControlFd, SLIRP_POLL_IN, NULL);
        uint32_t timeout = UINT32_MAX;
        for (size_t i = 0; i < net_count; i++)
        {
            nets[i]->tap_index = nets[i]->gone ? -1 : add_poll(nets[i]->tap, SLIRP_POLL_IN, NULL);
            slirp_pollfds_fill(nets[i]->slirp, &timeout, add_poll, NULL);
        }
        int wait = next_timer_ms();
        int poll_timeout = timeout == UINT32_MAX ? wait : wait < 0 || (int64_t)timeout < wait ? (int)timeout : wait;
        int ready = poll(fds, fd_count, poll_timeout);
        if (ready < 0 && errno != EINTR)
        {
            say("nimbus-net: poll: %s", strerror(errno));
            return 1;
        }

        run_timers();
        for (size_t i = 0; i < net_count; i++)
        {
            struct net *net = nets[i];
            short tap_events = ready > 0 && net->tap_index >= 0 ? fds[net->tap_index].revents : 0;
            if (tap_events & POLLIN)
            {
                read_tap(net);
            }
            else if (tap_events & (POLLERR | POLLHUP | POLLNVAL))
            {
                net->gone = true;
            }
            slirp_pollfds_poll(net->slirp, ready < 0, get_revents, NULL);
        }
        // Last: a start or stop changes the instances the indexes above belong to.
        if (ready > 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) && !control())
        {
            return 0;
        }
    }
}
