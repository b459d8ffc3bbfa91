// POSIX calls Swift's Glibc module leaves out (they need _GNU_SOURCE, which the module is not built with).
#ifndef JWTAUDIT_CPOSIX_H
#define JWTAUDIT_CPOSIX_H

/// pipe2(fds, O_CLOEXEC): a pipe whose ends no child process inherits, made so in one call. Flagging the ends
/// with fcntl() after pipe() leaves a moment in which another thread's posix_spawn() hands them to its child.
int jwtaudit_pipe_cloexec(int fds[2]);

#endif
