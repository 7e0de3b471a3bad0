// SPDX-License-Identifier: Apache-2.0
//
// libnimbus-tap: makes a runc sandbox's network interface for nimbus-net (docs/internals/isolation.md#outbound-network),
// loaded by the server (TapDevice.cs). In the sandbox's network namespace: tap0 with 10.0.2.100/24, MTU 65520, up,
// the default route through 10.0.2.2, and the loopback up, as `slirp4netns --configure` did; the descriptor of tap0's
// frames comes back to the server's namespace.
//
// Why C: entering a namespace (setns) moves only the calling thread, and every thread created from it afterwards
// starts there. A .NET thread may create threads at any moment (the thread pool's, the JIT's), which would then open
// the server's sockets inside a sandbox. Here the work runs on a thread of its own that runs no managed code, makes
// no thread, and ends in the sandbox's namespace without returning to anything.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <net/route.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

enum
{
    Mtu = 65520,
};

struct job
{
    int namespace_fd;
    int pid;
    int tap;
    char *error;
    size_t error_size;
};

static int fail(struct job *job, const char *what)
{
    snprintf(job->error, job->error_size, "%s: %s", what, strerror(errno));
    return -1;
}

static void address(struct sockaddr *into, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    struct sockaddr_in inet = { .sin_family = AF_INET };
    uint8_t bytes[4] = { a, b, c, d };
    memcpy(&inet.sin_addr, bytes, 4);
    memcpy(into, &inet, sizeof inet);
}

static int up(int socket_fd, const char *name)
{
    struct ifreq request = { 0 };
    strncpy(request.ifr_name, name, IFNAMSIZ - 1);
    if (ioctl(socket_fd, SIOCGIFFLAGS, &request) != 0)
    {
        return -1;
    }
    request.ifr_flags |= IFF_UP;
    return ioctl(socket_fd, SIOCSIFFLAGS, &request);
}

static int configure(struct job *job)
{
    int socket_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (socket_fd < 0)
    {
        return fail(job, "socket");
    }

    int result = -1;
    struct ifreq request = { 0 };
    struct rtentry route = { 0 };
    if (up(socket_fd, "lo") != 0)
    {
        fail(job, "bringing lo up");
        goto done;
    }

    strncpy(request.ifr_name, "tap0", IFNAMSIZ - 1);
    request.ifr_mtu = Mtu;
    if (ioctl(socket_fd, SIOCSIFMTU, &request) != 0)
    {
        fail(job, "SIOCSIFMTU");
        goto done;
    }
    address(&request.ifr_addr, 10, 0, 2, 100);
    if (ioctl(socket_fd, SIOCSIFADDR, &request) != 0)
    {
        fail(job, "SIOCSIFADDR");
        goto done;
    }
    address(&request.ifr_netmask, 255, 255, 255, 0);
    if (ioctl(socket_fd, SIOCSIFNETMASK, &request) != 0)
    {
        fail(job, "SIOCSIFNETMASK");
        goto done;
    }
    if (up(socket_fd, "tap0") != 0)
    {
        fail(job, "bringing tap0 up");
        goto done;
    }

    // The default route; the kernel finds tap0 by the gateway's subnet.
    address(&route.rt_dst, 0, 0, 0, 0);
    address(&route.rt_genmask, 0, 0, 0, 0);
    address(&route.rt_gateway, 10, 0, 2, 2);
    route.rt_flags = RTF_UP | RTF_GATEWAY;
    if (ioctl(socket_fd, SIOCADDRT, &route) != 0)
    {
        fail(job, "SIOCADDRT");
        goto done;
    }
    result = 0;

done:
    close(socket_fd);
    return result;
}

static void *make(void *argument)
{
    struct job *job = argument;
    if (setns(job->namespace_fd, CLONE_NEWNET) != 0)
    {
        // setns takes a pidfd since Linux 5.8; before, the namespace's file, then the pidfd says the pid was still
        // the same process's (a signal 0 reaches only the process it was opened for).
        if (errno != EINVAL)
        {
            fail(job, "setns into the sandbox's network namespace");
            return NULL;
        }
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/ns/net", job->pid);
        int namespace_file = open(path, O_RDONLY | O_CLOEXEC);
        if (namespace_file < 0)
        {
            fail(job, path);
            return NULL;
        }
        int entered = setns(namespace_file, CLONE_NEWNET);
        close(namespace_file);
        if (entered != 0 || syscall(SYS_pidfd_send_signal, job->namespace_fd, 0, NULL, 0) != 0)
        {
            fail(job, "setns into the sandbox's network namespace");
            return NULL;
        }
    }

    int tap = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (tap < 0)
    {
        fail(job, "open /dev/net/tun");
        return NULL;
    }
    struct ifreq request = { 0 };
    strncpy(request.ifr_name, "tap0", IFNAMSIZ - 1);
    request.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (ioctl(tap, TUNSETIFF, &request) != 0)
    {
        fail(job, "TUNSETIFF tap0");
        close(tap);
        return NULL;
    }
    if (configure(job) != 0)
    {
        close(tap);
        return NULL;
    }
    job->tap = tap;
    return NULL;
}

// Makes tap0 in the network namespace of the process that pidfd refers to (pid: its number, for kernels before 5.8)
// and returns its descriptor (close-on-exec), or -1 with the reason in error.
__attribute__((visibility("default"))) int nimbus_tap_create(int pidfd, int pid, char *error, size_t error_size)
{
    struct job job = { .namespace_fd = pidfd, .pid = pid, .tap = -1, .error = error, .error_size = error_size };
    if (error_size > 0)
    {
        error[0] = '\0';
    }
    pthread_t thread;
    int started = pthread_create(&thread, NULL, make, &job);
    if (started != 0)
    {
        errno = started;
        return fail(&job, "pthread_create");
    }
    pthread_join(thread, NULL);
    return job.tap;
}
