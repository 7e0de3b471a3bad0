// SPDX-License-Identifier: Apache-2.0
// Probe for SnapStart under runc (docs/cold-starts.md, "SnapStart under runc: what the kernel allows").
// Can a process forked by a "template" in one runc container, uid 993 without capabilities, enter every namespace
// of another runc container whose user namespace uid 993 owns, and end up as an ordinary, locked-down process
// there? Modes:
//   probe template SOCKET      in container A: on each connection, take 7 namespace fds + stdout (SCM_RIGHTS),
//                              fork; the child setns's into all 7 and forks once more into the pid namespace; the
//                              grandchild drops capabilities, sets no_new_privs, installs a seccomp filter, reports.
//   probe client SOCKET        in container B (nimbus-init's part): send its own /proc/self/ns/* and stdout.
//   probe holder TEMPLATE_PID  on the host, as root: make the user namespace (owned by 993, maps 0->100000 and
//                              993->993) and a pid namespace inside it nested under the template's, whose first
//                              process (PID 1, the reaper) waits on FIFO for B's init pid, enters B's namespaces
//                              and drops everything. Prints the holder's pid.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define FIFO "/tmp/snapstart-runc-probe/p1.fifo"
static const char *names[] = {"user", "mnt", "net", "ipc", "uts", "cgroup", "pid"};
#define N 7

static void status(const char *tag) {
  char line[512];
  FILE *f = fopen("/proc/self/status", "r");
  while (f && fgets(line, sizeof line, f))
    if (!strncmp(line, "NSpid", 5) || !strncmp(line, "Uid", 3) || !strncmp(line, "CapEff", 6) ||
        !strncmp(line, "CapBnd", 6) || !strncmp(line, "Seccomp:", 8) || !strncmp(line, "NoNewPrivs", 10))
      printf("%s %s", tag, line);
  if (f) fclose(f);
  gethostname(line, sizeof line);
  printf("%s hostname %s\n%s /proc shows:", tag, line, tag);
  DIR *d = opendir("/proc");
  for (struct dirent *e; d && (e = readdir(d));)
    if (e->d_name[0] >= '1' && e->d_name[0] <= '9') printf(" %s", e->d_name);
  if (d) closedir(d);
  printf("\n%s /tmp holds:", tag);
  d = opendir("/tmp");
  for (struct dirent *e; d && (e = readdir(d));)
    if (e->d_name[0] != '.') printf(" %s", e->d_name);
  if (d) closedir(d);
  printf("\n");
  f = fopen("/proc/self/cgroup", "r");
  while (f && fgets(line, sizeof line, f))
    if (strstr(line, ":memory:")) printf("%s cgroup %s", tag, line);
  if (f) fclose(f);
  fflush(stdout);
}

static void drop_everything(void) {
  struct { unsigned version; int pid; } header = {0x20080522 /* _LINUX_CAPABILITY_VERSION_3 */, 0};
  struct { unsigned effective, permitted, inheritable; } none[2] = {{0}};
  for (int cap = 0; cap < 64; cap++) prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
  if (syscall(SYS_capset, &header, none)) perror("capset");
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) perror("no_new_privs");
}

static int template(const char *path) {
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  strcpy(a.sun_path, path);
  unlink(path);
  if (bind(s, (void *)&a, sizeof a) || listen(s, 4)) return perror("bind"), 1;
  close(creat("/tmp/template-was-here", 0644));
  prctl(PR_SET_CHILD_SUBREAPER, 1);   // the grandchild's parent after the intermediate exits (not B's PID 1)
  status("template");
  for (;;) {
    int c = accept(s, 0, 0), fds[N + 1];
    char byte, control[CMSG_SPACE(sizeof fds)];
    struct iovec iov = {&byte, 1};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
    if (recvmsg(c, &m, 0) <= 0 || !CMSG_FIRSTHDR(&m)) { close(c); continue; }
    memcpy(fds, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof fds);
    pid_t child = fork();
    if (child == 0) {
      dup2(fds[N], 1);
      dup2(fds[N], 2);
      for (int i = 0; i < N; i++) {   // the user namespace first: it gives the capabilities for the others
        if (setns(fds[i], 0)) { printf("setns %s: %s\n", names[i], strerror(errno)); _exit(1); }
        printf("setns %s: ok\n", names[i]);
      }
      if (chdir("/")) _exit(1);
      if (fork() != 0) _exit(0);      // the grandchild is in the pid namespace; PID 1 there inherits it
      status("restored");
      drop_everything();
      struct sock_filter filter[] = {  // one rule standing for the container's list: setns answers EPERM
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_setns, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
      struct sock_fprog program = {4, filter};
      if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program)) perror("seccomp");
      printf("locked setns again: %s\n", setns(fds[2], 0) ? strerror(errno) : "ALLOWED");
      printf("locked /proc/1/root (the reaper): %s\n", opendir("/proc/1/root") ? "READABLE" : strerror(errno));
      close(creat("/tmp/restored-was-here", 0644));
      printf("locked waiting for the host to move it into the container's cgroups\n");
      fflush(stdout);
      for (int i = 0; i < 200; i++) {
        char line[512]; int moved = 0;
        FILE *f = fopen("/proc/self/cgroup", "r");
        while (fgets(line, sizeof line, f)) if (strstr(line, ":memory:/") && !strstr(line, "/..")) moved = 1;
        fclose(f);
        if (moved) break;
        usleep(50000);
      }
      status("locked");
      for (size_t mb = 1; mb <= 256; mb++) {
        char *p = malloc(1 << 20);
        memset(p, 1, 1 << 20);
        if (mb % 32 == 0) { printf("locked allocated %zu MB\n", mb); fflush(stdout); }
      }
      printf("locked survived 256 MB: the memory limit did NOT apply\n");
      _exit(0);
    }
    waitpid(child, 0, 0);
    int st;
    pid_t restored = waitpid(-1, &st, 0);
    dprintf(fds[N], "template reaped the restored process %d: %s %d\n", restored,
            WIFSIGNALED(st) ? "signal" : "exit", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
    dprintf(c, "done");
    close(c);
    for (int i = 0; i <= N; i++) close(fds[i]);
  }
}

static int client(const char *path) {
  int fds[N + 1], s = socket(AF_UNIX, SOCK_STREAM, 0);
  char p[64], byte = 'x', control[CMSG_SPACE(sizeof fds)];
  status("client");
  for (int i = 0; i < N; i++) {
    snprintf(p, sizeof p, "/proc/self/ns/%s", names[i]);
    if ((fds[i] = open(p, O_RDONLY)) < 0) return perror(p), 1;
  }
  fds[N] = 1;
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  strcpy(a.sun_path, path);
  if (connect(s, (void *)&a, sizeof a)) return perror("connect"), 1;
  memset(control, 0, sizeof control);
  struct iovec iov = {&byte, 1};
  struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
  struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN(sizeof fds);
  memcpy(CMSG_DATA(cm), fds, sizeof fds);
  if (sendmsg(s, &m, 0) < 0) return perror("sendmsg"), 1;
  read(s, &byte, 1);
  for (;;) pause();                   // stays, like nimbus-init; the host deletes the container
}

static int holder(const char *template_pid) {
  int ready[2], go[2], pid_pipe[2];
  if (pipe(ready) || pipe(go) || pipe(pid_pipe)) return 1;
  if (fork() == 0) {
    char p[64];
    dup2(open("/dev/null", O_RDWR), 1);  // the caller reads the holder's pid to EOF
    snprintf(p, sizeof p, "/proc/%s/ns/pid", template_pid);
    int f = open(p, O_RDONLY);
    if (f < 0 || setns(f, CLONE_NEWPID)) { perror("setns template pid"); _exit(1); }
    pid_t g = fork();                 // g is in the template's pid namespace: unshare(NEWPID) nests under it
    if (g == 0) {
      if (setresgid(993, 993, 993) || setresuid(993, 993, 993)) { perror("setuid"); _exit(1); }
      if (unshare(CLONE_NEWUSER)) { perror("unshare user"); _exit(1); }
      write(ready[1], "u", 1);
      read(go[0], p, 1);              // the maps are written
      if (unshare(CLONE_NEWPID)) { perror("unshare pid"); _exit(1); }
      if (fork() == 0) {              // PID 1 of the new pid namespace: pid_for_children is readable only once it exists
        prctl(PR_SET_DUMPABLE, 0);    // no one in the container may open /proc/1/root while it is still on the host's
        char buffer[32] = {0};
        int fifo = open(FIFO, O_RDONLY);
        read(fifo, buffer, sizeof buffer - 1);
        close(fifo);
        static const char *enter[] = {"mnt", "net", "ipc", "uts", "cgroup"};
        int fds[5];
        for (int i = 0; i < 5; i++) {
          snprintf(p, sizeof p, "/proc/%d/ns/%s", atoi(buffer), enter[i]);
          if ((fds[i] = open(p, O_RDONLY)) < 0) { perror(p); _exit(1); }
        }
        for (int i = 0; i < 5; i++) if (setns(fds[i], 0)) { perror(enter[i]); _exit(1); }
        if (chdir("/")) _exit(1);
        drop_everything();
        for (;;) if (wait(0) < 0 && errno == ECHILD) pause();   // reaps what is left to it, like tini
      }
      write(ready[1], "p", 1);
      int st;
      wait(&st);                      // lives as long as the reaper: the host kills the reaper to end the container
      _exit(0);
    }
    write(pid_pipe[1], &g, sizeof g);
    _exit(0);
  }
  pid_t g;
  char byte;
  read(pid_pipe[0], &g, sizeof g);
  read(ready[0], &byte, 1);
  char p[64], map[] = "0 100000 1\n993 993 1\n";
  for (int i = 0; i < 2; i++) {
    snprintf(p, sizeof p, "/proc/%d/%s", g, i ? "gid_map" : "uid_map");
    int f = open(p, O_WRONLY);
    if (f < 0 || write(f, map, strlen(map)) < 0) perror(p);
    close(f);
  }
  write(go[1], "g", 1);
  read(ready[0], &byte, 1);
  printf("%d\n", g);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && !strcmp(argv[1], "template")) return template(argv[2]);
  if (argc == 3 && !strcmp(argv[1], "client")) return client(argv[2]);
  if (argc == 3 && !strcmp(argv[1], "holder")) return holder(argv[2]);
  fprintf(stderr, "usage: probe template|client SOCKET | probe holder TEMPLATE_PID\n");
  return 2;
}
