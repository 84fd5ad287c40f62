/*
 * nfq_load serve: the benchmark's HTTP/1.1 origin server. One thread, epoll, non-blocking
 * sockets; keep-alive and pipelined requests are answered in order.
 *
 *   GET /bytes/N ...  -> 200, Content-Length: N, N bytes of 'x' (streamed from a static buffer)
 *   anything else     -> 200, Content-Length: 2, "ok"
 *
 * Request bodies are not read (benchmarks send none); "Connection: close" (and HTTP/1.0 without
 * keep-alive) closes after the response.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "nfq_load.h"

#define MAX_HEAD (16 * 1024)     /* a longer request head closes the connection */
#define BODY_CHUNK (1 << 20)     /* large writes: loopback streams at memory speed */
#define WRITES_PER_EVENT 16      /* then other connections get their turn */
#define MAX_EVENTS 256
#define WAIT_MS 200              /* how often the loop looks at the clock */
#define LISTEN_BACKLOG 4096

struct conn {
	int fd;
	uint32_t interest;           /* what epoll waits for now: EPOLLIN or EPOLLOUT */
	int responding;              /* a response is being written */
	int close_after;
	char head[96];               /* the response's status line and headers */
	size_t head_len, head_sent;
	uint64_t body_left;
	size_t in_len;
	char in[MAX_HEAD];
};

static char body[BODY_CHUNK];
static uint64_t served_requests, connections;

/* Parses the number of /bytes/N in a request line; 0 and -1 (not that form) both mean "ok". */
static int64_t bytes_requested(const char *line, size_t len)
{
	static const char prefix[] = "GET /bytes/";
	size_t i = sizeof(prefix) - 1;
	int64_t n = 0;

	if (len <= i || memcmp(line, prefix, i) != 0)
		return -1;
	for (; i < len && isdigit((unsigned char)line[i]); i++) {
		if (n > (INT64_MAX - 9) / 10)
			return -1;
		n = n * 10 + (line[i] - '0');
	}
	return i < len && line[i] == ' ' ? n : -1;
}

/* Whether the request head asks to close: "Connection: close", or HTTP/1.0 without keep-alive. */
static int wants_close(const char *head, size_t len)
{
	const char *line_end = memchr(head, '\r', len);
	const char *p = head;
	int http10 = line_end && line_end - head >= 8 && memcmp(line_end - 8, "HTTP/1.0", 8) == 0;

	while ((p = find_nocase(p, len - (p - head), "\nconnection:")) != NULL) {
		const char *v = p + strlen("\nconnection:");
		const char *eol = memchr(v, '\r', len - (v - head));
		size_t vlen = eol ? (size_t)(eol - v) : len - (v - head);

		if (find_nocase(v, vlen, "close"))
			return 1;
		if (find_nocase(v, vlen, "keep-alive"))
			return 0;
		p = v;
	}
	return http10;
}

/* Takes the first complete request head out of c->in and sets up its response; 0 if none. */
static int start_response(struct conn *c)
{
	const char *end = memmem(c->in, c->in_len, "\r\n\r\n", 4);
	const char *eol;
	size_t head_len;
	int64_t n;

	if (!end)
		return 0;
	head_len = end + 4 - c->in;
	eol = memchr(c->in, '\r', head_len);
	n = bytes_requested(c->in, eol - c->in);
	c->close_after = wants_close(c->in, head_len);
	if (n >= 0) {
		c->head_len = snprintf(c->head, sizeof(c->head), "HTTP/1.1 200 OK\r\nContent-Length: %lld\r\n%s\r\n",
				       (long long)n, c->close_after ? "Connection: close\r\n" : "");
		c->body_left = n;
	} else {
		c->head_len = snprintf(c->head, sizeof(c->head), "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n%s\r\nok",
				       c->close_after ? "Connection: close\r\n" : "");
		c->body_left = 0;
	}
	c->head_sent = 0;
	c->responding = 1;
	memmove(c->in, c->in + head_len, c->in_len - head_len);
	c->in_len -= head_len;
	return 1;
}

/* Writes what the socket takes of the current response: 1 done, 0 would block, -1 failed. */
static int write_response(struct conn *c)
{
	int writes;

	for (writes = 0; writes < WRITES_PER_EVENT; writes++) {
		struct iovec iov[2];
		int iovcnt = 0;
		ssize_t n;

		if (c->head_sent < c->head_len) {
			iov[iovcnt].iov_base = c->head + c->head_sent;
			iov[iovcnt++].iov_len = c->head_len - c->head_sent;
		}
		if (c->body_left > 0) {
			iov[iovcnt].iov_base = body;
			iov[iovcnt++].iov_len = c->body_left < BODY_CHUNK ? c->body_left : BODY_CHUNK;
		}
		if (iovcnt == 0) {
			c->responding = 0;
			served_requests++;
			return 1;
		}
		n = writev(c->fd, iov, iovcnt);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		if (c->head_sent < c->head_len) {
			size_t h = c->head_len - c->head_sent < (size_t)n ? c->head_len - c->head_sent : (size_t)n;

			c->head_sent += h;
			n -= h;
		}
		c->body_left -= n;
	}
	return 0;   /* more to write: level-triggered EPOLLOUT brings us back */
}

static void set_interest(int epfd, struct conn *c, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = c };

	if (c->interest != events && epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev) == 0)
		c->interest = events;
}

static void close_conn(struct conn *c)
{
	close(c->fd);   /* also leaves the epoll set */
	free(c);
}

/* Answers what c has asked for and reads more; runs on every readiness event of c. */
static void serve_conn(int epfd, struct conn *c)
{
	for (;;) {
		ssize_t n;

		if (c->responding) {
			int r = write_response(c);

			if (r < 0) {
				close_conn(c);
				return;
			}
			if (r == 0) {
				set_interest(epfd, c, EPOLLOUT);
				return;
			}
			if (c->close_after) {
				close_conn(c);
				return;
			}
		}
		if (start_response(c))
			continue;
		if (c->in_len == sizeof(c->in)) {   /* no head end within MAX_HEAD bytes */
			close_conn(c);
			return;
		}
		n = read(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len);
		if (n > 0) {
			c->in_len += n;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			set_interest(epfd, c, EPOLLIN);
			return;
		}
		close_conn(c);   /* the client closed (or reset) between requests */
		return;
	}
}

static void accept_all(int epfd, int listen_fd)
{
	for (;;) {
		int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC), on = 1;
		struct epoll_event ev = { .events = EPOLLIN };
		struct conn *c;

		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE) {
				fprintf(stderr, "nfq_load serve: accept: %s\n", strerror(errno));
				sleep_seconds(1e-3);   /* keep a level-triggered listener from spinning */
			} else if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED) {
				fail_errno("accept");
			}
			return;
		}
		c = malloc(sizeof(*c));
		if (!c)
			fail_errno("malloc");
		c->fd = fd;
		c->interest = EPOLLIN;
		c->responding = 0;
		c->in_len = 0;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
		ev.data.ptr = c;
		if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
			fail_errno("epoll_ctl(ADD)");
		connections++;
	}
}

static int open_listener(uint32_t addr, uint16_t port)
{
	struct sockaddr_in sa = ipv4_sockaddr(addr, port);
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), on = 1;

	if (fd < 0)
		fail_errno("socket");
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0)
		fail_errno("setsockopt(SO_REUSEADDR)");
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		fail_errno("bind to port %u", port);
	if (listen(fd, LISTEN_BACKLOG) < 0)
		fail_errno("listen");
	if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
		fail_errno("getsockname");
	printf("listening port=%u\n", ntohs(sa.sin_port));
	fflush(stdout);
	return fd;
}

int cmd_serve(int argc, char **argv)
{
	uint32_t addr = 0;
	int opt, have_port = 0, listen_fd, epfd;
	uint16_t port = 0;
	double seconds = 0, deadline;
	struct epoll_event ev = { .events = EPOLLIN }, events[MAX_EVENTS];

	while ((opt = getopt(argc, argv, "p:l:t:")) != -1) {
		switch (opt) {
		case 'p': port = parse_u64(opt, optarg, 0, 65535); have_port = 1; break;
		case 'l': addr = parse_ipv4(opt, optarg); break;
		case 't': seconds = parse_seconds(opt, optarg); break;
		default: usage_error("unknown option");
		}
	}
	if (optind != argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (!have_port)
		usage_error("-p PORT is required (0: any free port)");
	install_stop_signals();
	raise_fd_limit();
	memset(body, 'x', sizeof(body));

	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		fail_errno("epoll_create1");
	listen_fd = open_listener(addr, port);
	ev.data.ptr = NULL;   /* NULL marks the listener */
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, listen_fd, &ev) < 0)
		fail_errno("epoll_ctl(ADD)");

	deadline = seconds > 0 ? now_seconds() + seconds : 1e300;
	while (!stop_requested && now_seconds() < deadline) {
		int n = epoll_wait(epfd, events, MAX_EVENTS, WAIT_MS), i;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			fail_errno("epoll_wait");
		}
		for (i = 0; i < n; i++) {
			if (events[i].data.ptr == NULL)
				accept_all(epfd, listen_fd);
			else
				serve_conn(epfd, events[i].data.ptr);
		}
	}
	/* Open connections are left to exit(); the counters are what the caller wants. */
	printf("served_requests=%llu connections=%llu\n", (unsigned long long)served_requests,
	       (unsigned long long)connections);
	fflush(stdout);
	return 0;
}
