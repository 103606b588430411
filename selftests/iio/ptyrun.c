// SPDX-License-Identifier: GPL-2.0
/*
 * ptyrun CMD [ARG...]: run CMD with its output on a pseudo terminal and copy
 * that to stdout as it arrives. stdio line-buffers a terminal, so a tool like
 * iio_event_monitor shows each event at once even when the test redirects
 * the output to a file. SIGTERM/SIGINT are passed on to CMD; ptyrun exits
 * when CMD's output ends.
 */
#include <errno.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static pid_t child;

static void forward(int sig)
{
	kill(child, sig);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = forward };
	struct termios tio;
	char buf[4096];
	ssize_t n;
	int fd, status;

	if (argc < 2) {
		fprintf(stderr, "usage: ptyrun CMD [ARG...]\n");
		return 2;
	}
	cfmakeraw(&tio);
	child = forkpty(&fd, NULL, &tio, NULL);
	if (child < 0) {
		perror("forkpty");
		return 1;
	}
	if (!child) {
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (write(STDOUT_FILENO, buf, n) != n)
			break;
	}
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
