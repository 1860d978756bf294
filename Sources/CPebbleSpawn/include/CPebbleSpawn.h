#ifndef CPEBBLESPAWN_H
#define CPEBBLESPAWN_H

/*
 * CPebbleSpawn: the few Linux calls the fake Pebble needs that Swift cannot make safely itself.
 *
 * - cpebble_spawn starts a service process the way Pebble does (Go's exec.Cmd with
 *   SysProcAttr{Setpgid: true, Credential: ...}): its own process group, optionally another
 *   user and group, a working directory, standard input from /dev/null, standard output and
 *   standard error to the given descriptors, no other descriptor inherited, default signal
 *   dispositions and an empty signal mask.
 * - cpebble_set_child_subreaper makes the calling process the reaper of orphaned descendants.
 * - cpebble_peer_credentials, cpebble_set_thread_name, cpebble_pipe_cloexec and
 *   cpebble_accept_cloexec wrap GNU-only declarations (struct ucred, pthread_setname_np, pipe2,
 *   accept4) that the Swift Glibc module does not import.
 */

/*
 * Starts `executable` (a path: no PATH search happens here) with `argv` and `envp` (both
 * NULL-terminated).
 *
 * working_dir:     the directory to change into before exec, or NULL to inherit the caller's.
 * set_credentials: nonzero to drop supplementary groups and switch to `gid` then `uid`.
 * stdout_fd, stderr_fd: descriptors that become the child's 1 and 2, or -1 for /dev/null.
 *
 * Returns 0 and sets *pid_out once the child has successfully called execve. Otherwise returns
 * an errno value and sets *failed_step_out to a static string naming the step that failed
 * ("pipe", "fork", "fcntl", "setpgid", "setgroups", "setgid", "setuid", "chdir",
 * "open /dev/null", "dup2", "execve", or "report" when the child's report was unreadable);
 * a child that failed has already been reaped.
 */
int cpebble_spawn(const char *executable, char *const argv[], char *const envp[],
                  const char *working_dir,
                  int set_credentials, unsigned int uid, unsigned int gid,
                  int stdout_fd, int stderr_fd,
                  int *pid_out, const char **failed_step_out);

/* prctl(PR_SET_CHILD_SUBREAPER, 1): returns 0, or an errno value. */
int cpebble_set_child_subreaper(void);

/* getsockopt(SO_PEERCRED) on a connected unix socket: returns 0, or an errno value. */
int cpebble_peer_credentials(int fd, int *pid_out, unsigned int *uid_out, unsigned int *gid_out);

/* pipe2(fds, O_CLOEXEC): returns 0, or an errno value. */
int cpebble_pipe_cloexec(int fds[2]);

/* accept4(fd, NULL, NULL, SOCK_CLOEXEC), retried on EINTR: returns the new descriptor, or -1
 * with errno set. */
int cpebble_accept_cloexec(int fd);

/* Names the calling thread (truncated to the kernel's 15 bytes). */
void cpebble_set_thread_name(const char *name);

#endif
