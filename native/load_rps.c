/*
 * nfq_load rps: connections per second. Every request is a new TCP connection ("Connection:
 * close"), CONCURRENCY of them in flight at all times, driven by one epoll loop.
 *
 * Connections end with a normal close after the server's FIN, so the server sees real
 * connections; the client keeps the TIME_WAIT (net.ipv4.tcp_tw_reuse is the caller's business).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nfq_load.h"

#define MAX_CONCURRENCY 10000
#define CONNECTION_TIMEOUT 5.0       /* seconds per connection, then it counts as an error */
#define RETRY_PAUSE 1e-3             /* after a connect that failed at once (e.g. no free port) */
#define SCAN_INTERVAL 0.05           /* how often connections are checked for the timeout */
#define MAX_EVENTS 256
#define STATUS_LENGTH 12             /* "HTTP/1.1 200" */

static const char REQUEST[] = "GET /rps HTTP/1.1\r\nHost: bench.test\r\nConnection: close\r\n\r\n";

enum slot_state { IDLE, CONNECTING, SENDING, READING };

/* One connection in flight, or an idle slot waiting for retry_at. */
struct slot {
	enum slot_state state;
	int fd;
	double started;              /* IDLE: when to start the next connection */
	size_t sent;
	size_t status_len;
	char status[STATUS_LENGTH];
};

struct rps_run {
	uint32_t dst;
	uint16_t port;
	struct ipv4_range src;
	int bind_src;
	uint32_t next_src;
	uint64_t max_requests, started, requests, errors;
	int epfd, idle;
};

static void finish(struct rps_run *r, struct slot *s, int ok)
{
	if (ok)
		r->requests++;
	else
		r->errors++;
	close(s->fd);
	s->fd = -1;
	s->state = IDLE;
	s->started = 0;
	r->idle++;
}

/* Starts a new connection in idle slot s; an immediate failure counts and pauses the slot. */
static void start(struct rps_run *r, struct slot *s, double now)
{
	struct sockaddr_in sa = ipv4_sockaddr(r->dst, r->port);
	struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = s };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), on = 1;

	if (fd < 0)
		fail_errno("socket");
	r->started++;
	r->idle--;
	s->fd = fd;
	s->started = now;
	s->sent = 0;
	s->status_len = 0;
	s->state = CONNECTING;
	if (r->bind_src) {
		struct sockaddr_in local = ipv4_sockaddr(r->next_src, 0);

		/* The port is chosen at connect, per destination: many more connections per source. */
		setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &on, sizeof(on));
		r->next_src = r->next_src == r->src.last ? r->src.first : r->next_src + 1;
		if (bind(fd, (struct sockaddr *)&local, sizeof(local)) < 0)
			fail_errno("bind to %s", inet_ntoa(local.sin_addr));
	}
	if ((connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS) ||
	    epoll_ctl(r->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		finish(r, s, 0);
		s->started = now + RETRY_PAUSE;
	}
}

/* Moves s on after a readiness event: connected -> send the request -> read until the close. */
static void advance(struct rps_run *r, struct slot *s, uint32_t events)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = s };
	char buf[16384];

	if (s->state == CONNECTING) {
		int err = 0;
		socklen_t len = sizeof(err);

		if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err != 0 || (events & EPOLLERR)) {
			finish(r, s, 0);
			return;
		}
		s->state = SENDING;
	}
	if (s->state == SENDING) {
		ssize_t n = send(s->fd, REQUEST + s->sent, sizeof(REQUEST) - 1 - s->sent, MSG_NOSIGNAL);

		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			finish(r, s, 0);
			return;
		}
		if (n > 0)
			s->sent += n;
		if (s->sent < sizeof(REQUEST) - 1)
			return;   /* still EPOLLOUT */
		s->state = READING;
		if (epoll_ctl(r->epfd, EPOLL_CTL_MOD, s->fd, &ev) < 0)
			fail_errno("epoll_ctl(MOD)");
		return;       /* the response comes later */
	}
	for (;;) {
		ssize_t n = recv(s->fd, buf, sizeof(buf), 0);

		if (n > 0) {
			size_t take = STATUS_LENGTH - s->status_len < (size_t)n ? STATUS_LENGTH - s->status_len : (size_t)n;

			memcpy(s->status + s->status_len, buf, take);
			s->status_len += take;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		/* The server's close ends the response; a reset or a non-200 is an error. */
		finish(r, s, n == 0 && s->status_len == STATUS_LENGTH &&
			     (memcmp(s->status, "HTTP/1.1 200", STATUS_LENGTH) == 0 ||
			      memcmp(s->status, "HTTP/1.0 200", STATUS_LENGTH) == 0));
		return;
	}
}

static int may_start(const struct rps_run *r)
{
	return r->max_requests == 0 || r->started < r->max_requests;
}

int cmd_rps(int argc, char **argv)
{
	struct rps_run r = { 0 };
	struct slot *slots;
	struct epoll_event events[MAX_EVENTS];
	double seconds = 0, start_time, deadline, last_scan = 0, now, elapsed;
	int opt, have_dst = 0, have_port = 0, concurrency = 16, i, active;

	while ((opt = getopt(argc, argv, "d:p:t:c:n:S:")) != -1) {
		switch (opt) {
		case 'd': r.dst = parse_ipv4(opt, optarg); have_dst = 1; break;
		case 'p': r.port = parse_u64(opt, optarg, 1, 65535); have_port = 1; break;
		case 't': seconds = parse_seconds(opt, optarg); break;
		case 'c': concurrency = parse_u64(opt, optarg, 1, MAX_CONCURRENCY); break;
		case 'n': r.max_requests = parse_u64(opt, optarg, 0, UINT64_MAX); break;
		case 'S': r.src = parse_ipv4_range(opt, optarg); r.bind_src = 1; break;
		default: usage_error("unknown option");
		}
	}
	if (optind != argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (!have_dst || !have_port || seconds == 0)
		usage_error("-d DST, -p PORT and -t SECONDS (above 0) are required");
	install_stop_signals();
	raise_fd_limit();
	r.next_src = r.src.first;
	r.epfd = epoll_create1(EPOLL_CLOEXEC);
	slots = calloc(concurrency, sizeof(*slots));
	if (r.epfd < 0 || !slots)
		fail_errno("epoll_create1/calloc");
	for (i = 0; i < concurrency; i++) {
		slots[i].fd = -1;
		slots[i].state = IDLE;
	}
	r.idle = concurrency;

	start_time = now = now_seconds();
	deadline = start_time + seconds;
	for (;;) {
		int n;

		if (r.idle > 0) {
			for (i = 0; i < concurrency && may_start(&r); i++)
				if (slots[i].state == IDLE && slots[i].started <= now)
					start(&r, &slots[i], now);
		}
		active = concurrency - r.idle;
		if (active == 0 && !may_start(&r))
			break;   /* -n MAX_REQUESTS reached and all answered */
		n = epoll_wait(r.epfd, events, MAX_EVENTS, r.idle > 0 ? 1 : 20);
		if (n < 0 && errno != EINTR)
			fail_errno("epoll_wait");
		for (i = 0; i < n; i++)
			advance(&r, events[i].data.ptr, events[i].events);
		now = now_seconds();
		if (stop_requested || now >= deadline)
			break;
		if (now - last_scan >= SCAN_INTERVAL) {
			last_scan = now;
			for (i = 0; i < concurrency; i++)
				if (slots[i].state != IDLE && now - slots[i].started > CONNECTION_TIMEOUT)
					finish(&r, &slots[i], 0);
		}
	}
	elapsed = now_seconds() - start_time;
	/* Connections still in flight at the time limit are neither requests nor errors. */
	for (i = 0; i < concurrency; i++)
		if (slots[i].state != IDLE)
			close(slots[i].fd);
	printf("requests=%llu errors=%llu seconds=%.3f rps=%.1f\n", (unsigned long long)r.requests,
	       (unsigned long long)r.errors, elapsed, elapsed > 0 ? r.requests / elapsed : 0.0);
	fflush(stdout);
	return 0;
}
