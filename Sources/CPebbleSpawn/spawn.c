/*
 * Starting a Pebble service process: fork, then in the child only async-signal-safe calls up to
 * execve. A failure in the child is reported to the parent through a close-on-exec pipe (an
 * errno value and the step that failed), so a command that cannot run never looks like a
 * started process: the pipe reads end-of-file only when execve succeeded.
 */
#define _GNU_SOURCE
#include "CPebbleSpawn.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* The steps of the child, in order; the index travels through the report pipe. */
enum spawn_step {
    STEP_FDS,
    STEP_SETPGID,
    STEP_SETGROUPS,
    STEP_SETGID,
    STEP_SETUID,
    STEP_CHDIR,
    STEP_DEVNULL,
    STEP_DUP2,
    STEP_EXECVE,
    STEP_COUNT
};

static const char *const step_names[STEP_COUNT] = {
    "fcntl", "setpgid", "setgroups", "setgid", "setuid", "chdir", "open /dev/null", "dup2", "execve",
};

/* What a failed child writes to the report pipe before exiting. */
struct child_report {
    int error;
    int step;
};

/* Reports `error` at `step` to the parent and exits (write and _exit are async-signal-safe). */
__attribute__((noreturn)) static void child_fail(int report_fd, int step, int error) {
    struct child_report report = { error, step };
    ssize_t written;
    do {
        written = write(report_fd, &report, sizeof report);
    } while (written < 0 && errno == EINTR);
    (void)written;
    _exit(127);
}

/* Moves `fd` to a descriptor >= 3 (close-on-exec) so that dup2 onto 0, 1 and 2 cannot clobber it. */
static int lift_fd(int fd, int report_fd) {
    if (fd < 0 || fd > 2) return fd;
    int lifted = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (lifted < 0) child_fail(report_fd, STEP_FDS, errno);
    return lifted;
}

/* Credentials through raw system calls: they change only the calling thread (the child's only
 * one), with none of the libc bookkeeping that broadcasts a change to all threads. */
static long raw_setgroups_empty(void) {
#ifdef SYS_setgroups32
    return syscall(SYS_setgroups32, 0, NULL);
#else
    return syscall(SYS_setgroups, 0, NULL);
#endif
}

static long raw_setgid(gid_t gid) {
#ifdef SYS_setgid32
    return syscall(SYS_setgid32, gid);
#else
    return syscall(SYS_setgid, gid);
#endif
}

static long raw_setuid(uid_t uid) {
#ifdef SYS_setuid32
    return syscall(SYS_setuid32, uid);
#else
    return syscall(SYS_setuid, uid);
#endif
}

/* The child after fork: every signal is blocked on entry (the parent blocked them around fork). */
__attribute__((noreturn)) static void run_child(const char *executable, char *const argv[], char *const envp[],
                                                const char *working_dir,
                                                int set_credentials, uid_t uid, gid_t gid,
                                                int stdout_fd, int stderr_fd,
                                                int report_fd, long open_max) {
    report_fd = lift_fd(report_fd, report_fd);
    stdout_fd = lift_fd(stdout_fd, report_fd);
    stderr_fd = lift_fd(stderr_fd, report_fd);

    /* Its own process group, so that the whole service can be signalled as one (kill(-pid)). */
    if (setpgid(0, 0) != 0) child_fail(report_fd, STEP_SETPGID, errno);

    /* Default dispositions for every signal (an ignored one would stay ignored across execve),
     * then the empty mask. Signals the C library reserves for itself refuse; that is fine. */
    struct sigaction default_action;
    memset(&default_action, 0, sizeof default_action);
    default_action.sa_handler = SIG_DFL;
    sigemptyset(&default_action.sa_mask);
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        (void)sigaction(sig, &default_action, NULL);
    }
    sigset_t empty;
    sigemptyset(&empty);
    (void)sigprocmask(SIG_SETMASK, &empty, NULL);

    /* Group before user: once the user is not root, the group can no longer be changed. */
    if (set_credentials) {
        if (raw_setgroups_empty() != 0) child_fail(report_fd, STEP_SETGROUPS, errno);
        if (raw_setgid(gid) != 0) child_fail(report_fd, STEP_SETGID, errno);
        if (raw_setuid(uid) != 0) child_fail(report_fd, STEP_SETUID, errno);
    }

    if (working_dir != NULL && chdir(working_dir) != 0) child_fail(report_fd, STEP_CHDIR, errno);

    int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd < 0) child_fail(report_fd, STEP_DEVNULL, errno);
    null_fd = lift_fd(null_fd, report_fd);
    /* dup2 clears close-on-exec on the new descriptor: 0, 1 and 2 survive execve. */
    if (dup2(null_fd, 0) < 0) child_fail(report_fd, STEP_DUP2, errno);
    if (dup2(stdout_fd >= 0 ? stdout_fd : null_fd, 1) < 0) child_fail(report_fd, STEP_DUP2, errno);
    if (dup2(stderr_fd >= 0 ? stderr_fd : null_fd, 2) < 0) child_fail(report_fd, STEP_DUP2, errno);

    /* Nothing else is inherited: mark every descriptor from 3 up close-on-exec (the report pipe
     * already is). Kernels before 5.11 lack the flag: close them one by one instead. */
    if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
        for (long fd = 3; fd < open_max; fd++) {
            if (fd != report_fd) (void)close((int)fd);
        }
    }

    execve(executable, argv, envp);
    child_fail(report_fd, STEP_EXECVE, errno);
}

int cpebble_spawn(const char *executable, char *const argv[], char *const envp[],
                  const char *working_dir,
                  int set_credentials, unsigned int uid, unsigned int gid,
                  int stdout_fd, int stderr_fd,
                  int *pid_out, const char **failed_step_out) {
    *pid_out = -1;
    *failed_step_out = NULL;

    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) {
        *failed_step_out = "pipe";
        return errno;
    }
    /* Computed here: sysconf is not async-signal-safe. */
    long open_max = sysconf(_SC_OPEN_MAX);
    if (open_max < 0 || open_max > INT_MAX) open_max = 65536;

    /* Block every signal around fork so that no handler of this process runs in the child
     * before the child has reset the dispositions. */
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pid_t pid = fork();
    if (pid == 0) {
        run_child(executable, argv, envp, working_dir, set_credentials, (uid_t)uid, (gid_t)gid,
                  stdout_fd, stderr_fd, report[1], open_max);
    }
    int fork_error = errno;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    (void)close(report[1]);
    if (pid < 0) {
        (void)close(report[0]);
        *failed_step_out = "fork";
        return fork_error;
    }

    struct child_report report_data;
    ssize_t got;
    do {
        got = read(report[0], &report_data, sizeof report_data);
    } while (got < 0 && errno == EINTR);
    (void)close(report[0]);
    if (got == 0) {
        /* End of file: the pipe was closed by a successful execve. */
        *pid_out = (int)pid;
        return 0;
    }

    /* The child failed before or at execve and exited: reap it. */
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (got == (ssize_t)sizeof report_data && report_data.step >= 0 && report_data.step < STEP_COUNT) {
        *failed_step_out = step_names[report_data.step];
        return report_data.error;
    }
    *failed_step_out = "report";
    return EIO;
}

int cpebble_set_child_subreaper(void) {
    return prctl(PR_SET_CHILD_SUBREAPER, 1UL, 0UL, 0UL, 0UL) == 0 ? 0 : errno;
}

int cpebble_peer_credentials(int fd, int *pid_out, unsigned int *uid_out, unsigned int *gid_out) {
    struct ucred credentials;
    socklen_t length = sizeof credentials;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) return errno;
    *pid_out = (int)credentials.pid;
    *uid_out = (unsigned int)credentials.uid;
    *gid_out = (unsigned int)credentials.gid;
    return 0;
}

int cpebble_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC) == 0 ? 0 : errno;
}

int cpebble_accept_cloexec(int fd) {
    int accepted;
    do {
        accepted = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
    } while (accepted < 0 && errno == EINTR);
    return accepted;
}

void cpebble_set_thread_name(const char *name) {
    char truncated[16];
    strncpy(truncated, name, sizeof truncated - 1);
    truncated[sizeof truncated - 1] = '\0';
    (void)pthread_setname_np(pthread_self(), truncated);
}
