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
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
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
    MaxSocketsPerSandbox = 4096,   // host sockets one sandbox's NAT may hold (AWS: 1,024 descriptors per environment)
    MaxDescriptors = 1 << 20,      // this process's limit, raised before root is given up
};

struct timer;

// One sandbox's network.
struct net
{
    uint64_t id;
    int tap;
    int tap_index;       // the tap's entry in the poll array of this round, -1 when not polled
    bool gone;           // the tap failed (its namespace ended): not polled again, kept until 'R'
    size_t sockets;      // host sockets libslirp opened for it and has not closed
    bool at_quota;       // it holds MaxSocketsPerSandbox host sockets: its new flows are dropped until some close
    bool write_failed;   // a frame could not be written to the tap (said once)
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
static struct net **socket_owner;   // by descriptor: the sandbox a host socket is libslirp's for, or NULL
static size_t socket_owner_capacity;
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
    if (written < 0 && errno != EAGAIN && errno != EWOULDBLOCK && !net->write_failed)
    {
        net->write_failed = true;
        say("nimbus-net: sandbox %" PRIu64 ": frames cannot be written to its tap: %s", net->id, strerror(errno));
    }
    // A frame that cannot go (the sandbox is not reading, or is gone) is dropped, as a full link would drop it; TCP
    // sends again. Reported as sent: libslirp would log every failed one.
    return (ssize_t)length;
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

// libslirp names every host socket it opens and closes for an instance: that is its count (polling is filled afresh
// every round). A number taken again by another instance's socket moves there, so a missed close cannot add up.
static void register_poll_fd(int fd, void *opaque)
{
    struct net *net = opaque;
    if (fd < 0)
    {
        return;
    }
    size_t needed = (size_t)fd + 1;
    if (needed > socket_owner_capacity)
    {
        size_t old = socket_owner_capacity;
        socket_owner = grown(socket_owner, &socket_owner_capacity, needed, sizeof *socket_owner);
        memset(socket_owner + old, 0, (socket_owner_capacity - old) * sizeof *socket_owner);
    }
    if (socket_owner[fd] == net)
    {
        return;
    }
    if (socket_owner[fd] != NULL)
    {
        socket_owner[fd]->sockets--;
    }
    socket_owner[fd] = net;
    net->sockets++;
}

static void unregister_poll_fd(int fd, void *opaque)
{
    struct net *net = opaque;
    if (fd >= 0 && (size_t)fd < socket_owner_capacity && socket_owner[fd] == net)
    {
        socket_owner[fd] = NULL;
        net->sockets--;
    }
}

// After slirp_cleanup: nothing is counted for the instance any more.
static void forget_sockets(struct net *net)
{
    for (size_t fd = 0; fd < socket_owner_capacity; fd++)
    {
        if (socket_owner[fd] == net)
        {
            socket_owner[fd] = NULL;
        }
    }
    net->sockets = 0;
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

// A sandbox's NAT: its own addresses, connections and DNS forwarder.
static Slirp *new_stack(struct net *net)
{
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
    return slirp_new(&config, &callbacks, net);
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
    net->slirp = new_stack(net);
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
    forget_sockets(net);
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

    if (header.msg_flags & MSG_CTRUNC)
    {
        // Only when this process is out of descriptors: the sandbox whose tap it was has no network.
        say("nimbus-net: a tap was lost on its way here (out of descriptors?)");
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

// An IPv4 fragment (a flags/offset field with more than DF set). libslirp 4.7's reassembly crashes on crafted
// fragments (NimbusNetTests' fuzz finds one in a few frames; slirp4netns dies of the same frames), and one sandbox
// must not end every sandbox's network: fragments are dropped before libslirp sees them. A sandbox never needs to
// send one: tap0's MTU (65520) carries any IPv4 datagram but those of 65,521-65,535 bytes whole.
static bool is_ipv4_fragment(const uint8_t *packet, ssize_t length)
{
    if (length < 14 + 20 || packet[12] != 0x08 || packet[13] != 0x00)
    {
        return false;
    }
    unsigned flags_and_offset = (unsigned)packet[20] << 8 | packet[21];
    return (flags_and_offset & ~0x4000u) != 0;
}

// A frame that would make libslirp open a host socket: a TCP connection's first segment (SYN without ACK), any
// UDP datagram (each new source port or destination is a socket, kept for minutes), an ICMP message.
static bool opens_a_socket(const uint8_t *packet, ssize_t length)
{
    if (length < 14 + 20 || packet[12] != 0x08 || packet[13] != 0x00)
    {
        return false;
    }
    size_t header = (size_t)(packet[14] & 0x0f) * 4;
    switch (packet[23])
    {
    case 6:
        return (size_t)length >= 14 + header + 14 && (packet[14 + header + 13] & 0x12) == 0x02;
    case 17:
    case 1:
        return true;
    default:
        return false;
    }
}

// A sandbox holding MaxSocketsPerSandbox host sockets would, with a few more, leave the other sandboxes none: until
// some of its own close (UDP ones expire), it may open no more; the connections it has carry on.
static bool at_quota(struct net *net)
{
    bool at = net->sockets >= MaxSocketsPerSandbox;
    if (at != net->at_quota)
    {
        net->at_quota = at;
        if (at)
        {
            say("nimbus-net: sandbox %" PRIu64 " holds %d host sockets; its new connections are dropped until some close", net->id, MaxSocketsPerSandbox);
        }
        else
        {
            say("nimbus-net: sandbox %" PRIu64 " may open connections again", net->id);
        }
    }
    return at;
}

static void read_tap(struct net *net)
{
    for (int i = 0; i < ReadsPerWakeup; i++)
    {
        ssize_t length = read(net->tap, frame, sizeof frame);
        // A tap never reads 0 bytes; a descriptor that does (or fails) would wake every poll: it is left alone.
        if (length == 0 || (length < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
        {
            net->gone = true;
        }
        if (length <= 0)
        {
            return;
        }
        if (is_ipv4_fragment(frame, length) || (at_quota(net) && opens_a_socket(frame, length)))
        {
            continue;
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
    // Every sandbox's connections are this process's descriptors: as many as root may give it, while it is root
    // (where root may not raise the hard limit, as in some containers, the hard limit it has).
    struct rlimit limit = { MaxDescriptors, MaxDescriptors };
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0 && getrlimit(RLIMIT_NOFILE, &limit) == 0)
    {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
    if (setgroups(0, NULL) != 0 || setgid(NobodyId) != 0 || setuid(NobodyId) != 0)
    {
        say("nimbus-net: cannot give up root: %s", strerror(errno));
        exit(1);
    }
}

#if defined(__x86_64__)
#define NIMBUS_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NIMBUS_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#error "nimbus-net: no seccomp architecture for this machine"
#endif

// What this process never does, refused (EPERM) should libslirp's parsing ever be made to run code of a sandbox's:
// no program, process, thread, namespace, mount, module, tracing, other processes' memory, keys or BPF. (What it
// does: sockets, poll, reads and writes, memory, and reading /etc/resolv.conf.) Another architecture's calls are
// killed.
static void refuse_system_calls(void)
{
    static const int refused[] = {
        __NR_execve, __NR_execveat, __NR_clone, __NR_clone3, __NR_ptrace, __NR_process_vm_readv,
        __NR_process_vm_writev, __NR_mount, __NR_umount2, __NR_pivot_root, __NR_chroot, __NR_setns, __NR_unshare,
        __NR_init_module, __NR_finit_module, __NR_delete_module, __NR_kexec_load, __NR_bpf, __NR_perf_event_open,
        __NR_userfaultfd, __NR_keyctl, __NR_add_key, __NR_request_key, __NR_open_by_handle_at,
        __NR_name_to_handle_at, __NR_swapon, __NR_swapoff, __NR_reboot, __NR_personality, __NR_kill, __NR_tkill,
        __NR_rt_sigqueueinfo, __NR_rt_tgsigqueueinfo, __NR_pidfd_send_signal,
        __NR_pidfd_open, __NR_pidfd_getfd, __NR_setuid, __NR_setgid, __NR_setreuid, __NR_setregid, __NR_setresuid,
        __NR_setresgid, __NR_setgroups, __NR_acct, __NR_quotactl, __NR_mknodat,
#ifdef __NR_fork
        __NR_fork, __NR_vfork, __NR_mknod,
#endif
    };
    enum { Count = sizeof refused / sizeof refused[0] };
    struct sock_filter program[7 + 2 * Count + 4 + 1];
    size_t at = 0;
    program[at++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
    program[at++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NIMBUS_AUDIT_ARCH, 1, 0);
    program[at++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
    program[at++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
#ifdef __x86_64__
    // x32 calls carry the same architecture with bit 30 set in the number: none of them is this program's.
    program[at++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 0, 1);
    program[at++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
#endif
    // tgkill only to itself (abort() raises SIGABRT with it); the process never makes another.
    program[at++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_tgkill, 0, 3);
    program[at++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0]));
    program[at++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)getpid(), 1, 0);
    program[at++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
    program[at++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
    for (size_t i = 0; i < Count; i++)
    {
        program[at++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)refused[i], 0, 1);
        program[at++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
    }
    program[at++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    struct sock_fprog filter = { .len = (unsigned short)at, .filter = program };
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &filter) != 0)
    {
        say("nimbus-net: cannot install its seccomp filter: %s", strerror(errno));
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
    // Nothing but the control socket and the log: a descriptor the starting process failed to mark close-on-exec
    // is not this process's to hold.
    syscall(SYS_close_range, 3u, ~0u, 0u);
    signal(SIGPIPE, SIG_IGN);
    give_up_root();
    if (chdir("/") != 0)
    {
        say("nimbus-net: chdir /: %s", strerror(errno));
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    {
        say("nimbus-net: cannot set no_new_privs: %s", strerror(errno));
        return 1;
    }
    refuse_system_calls();

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
