/*
 * nfq_load rtt and get: real TCP clients of `nfq_load serve` (or any HTTP/1.1 server),
 * measuring latency and throughput through the path under test.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nfq_load.h"

#define MAX_RESPONSE_HEAD (16 * 1024)
#define IO_TIMEOUT_MS 200            /* each blocking call returns this often to check the clock */
#define GET_BUFFER (1 << 20)

static const char RTT_REQUEST[] = "GET /rtt HTTP/1.1\r\nHost: bench.test\r\n\r\n";

static int fcntl_blocking(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	return flags < 0 ? -1 : fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
}

/* Connects to dst:port before deadline and returns a blocking socket whose calls time out
 * every IO_TIMEOUT_MS; exits 1 on failure. */
static int connect_blocking(uint32_t dst, uint16_t port, double deadline)
{
	struct sockaddr_in sa = ipv4_sockaddr(dst, port);
	struct timeval timeout = { 0, IO_TIMEOUT_MS * 1000 };
	struct pollfd pfd;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), on = 1, err = 0;
	socklen_t len = sizeof(err);

	if (fd < 0)
		fail_errno("socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS)
		fail_errno("connect to %s:%u", inet_ntoa(sa.sin_addr), port);
	pfd = (struct pollfd){ .fd = fd, .events = POLLOUT };
	for (;;) {
		int left_ms = (int)((deadline - now_seconds()) * 1000);
		int r;

		if (left_ms <= 0 || stop_requested)
			fail("connect to %s:%u: timed out", inet_ntoa(sa.sin_addr), port);
		r = poll(&pfd, 1, left_ms < IO_TIMEOUT_MS ? left_ms : IO_TIMEOUT_MS);
		if (r > 0)
			break;
		if (r < 0 && errno != EINTR)
			fail_errno("poll");
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err != 0) {
		errno = err;
		fail_errno("connect to %s:%u", inet_ntoa(sa.sin_addr), port);
	}
	if (fcntl_blocking(fd) < 0)
		fail_errno("fcntl");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
	return fd;
}

/* Sends all of buf; 0, or -1 when the deadline passed or a stop was asked for. */
static int send_all(int fd, const char *buf, size_t len, double deadline)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n > 0) {
			buf += n;
			len -= n;
		} else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			if (stop_requested || now_seconds() >= deadline)
				return -1;
		} else {
			fail_errno("send");
		}
	}
	return 0;
}

/* Receives up to len bytes; the count, or -1 when the deadline passed or a stop was asked for.
 * A closed connection is an error: every caller here expects more bytes. */
static ssize_t recv_some(int fd, char *buf, size_t len, double deadline)
{
	for (;;) {
		ssize_t n = recv(fd, buf, len, 0);

		if (n > 0)
			return n;
		if (n == 0)
			fail("the server closed the connection in the middle of a response");
		if (errno != EAGAIN && errno != EINTR)
			fail_errno("recv");
		if (stop_requested || now_seconds() >= deadline)
			return -1;
	}
}

/* Reads one whole response (head, then Content-Length body bytes into buf, overwriting) and
 * returns the body length, or -1 at the deadline. Exits 1 on a response that is not a 200
 * with a Content-Length, or on more bytes than the response holds (nothing is pipelined). */
static int64_t read_response(int fd, char *buf, size_t cap, double deadline)
{
	size_t got = 0, head_len;
	int64_t content_length, body_have;
	char *end = NULL;

	while (!end) {
		ssize_t n;

		if (got == MAX_RESPONSE_HEAD)
			fail("response head longer than %d bytes", MAX_RESPONSE_HEAD);
		n = recv_some(fd, buf + got, MAX_RESPONSE_HEAD - got, deadline);
		if (n < 0)
			return -1;
		got += n;
		end = memmem(buf, got, "\r\n\r\n", 4);
	}
	head_len = end + 4 - buf;
	if (got < 12 || (memcmp(buf, "HTTP/1.1 200", 12) != 0 && memcmp(buf, "HTTP/1.0 200", 12) != 0)) {
		const char *eol = memchr(buf, '\r', head_len);

		fail("unexpected response: %.*s", (int)(eol - buf), buf);
	}
	content_length = header_number(buf, head_len, "content-length");
	if (content_length < 0)
		fail("response without a Content-Length");
	body_have = got - head_len;
	while (body_have < content_length) {
		int64_t want = content_length - body_have;
		ssize_t n = recv_some(fd, buf, want < (int64_t)cap ? (size_t)want : cap, deadline);

		if (n < 0)
			return -1;
		body_have += n;
	}
	if (body_have > content_length)
		fail("%lld bytes after the response's body", (long long)(body_have - content_length));
	return content_length;
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The nearest-rank percentile q (0..1) of sorted[0, n). */
static double percentile(const double *sorted, size_t n, double q)
{
	size_t rank = (size_t)(q * n + 0.999999);

	return sorted[rank == 0 ? 0 : (rank > n ? n : rank) - 1];
}

int cmd_rtt(int argc, char **argv)
{
	uint32_t dst = 0;
	uint16_t port = 0;
	uint64_t count = 0, warmup = 200, interval_us = 200, i, done = 0;
	double seconds = 30, deadline, *samples, sum = 0;
	char *buf;
	int opt, have_dst = 0, have_port = 0, fd;

	while ((opt = getopt(argc, argv, "d:p:n:i:w:t:")) != -1) {
		switch (opt) {
		case 'd': dst = parse_ipv4(opt, optarg); have_dst = 1; break;
		case 'p': port = parse_u64(opt, optarg, 1, 65535); have_port = 1; break;
		case 'n': count = parse_u64(opt, optarg, 1, 100000000); break;
		case 'i': interval_us = parse_u64(opt, optarg, 0, 10000000); break;
		case 'w': warmup = parse_u64(opt, optarg, 0, 100000000); break;
		case 't': seconds = parse_seconds(opt, optarg); break;
		default: usage_error("unknown option");
		}
	}
	if (optind != argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (!have_dst || !have_port || count == 0)
		usage_error("-d DST, -p PORT and -n COUNT are required");
	if (seconds == 0)
		usage_error("-t SECONDS must be above 0");
	install_stop_signals();
	samples = malloc(count * sizeof(*samples));
	buf = malloc(MAX_RESPONSE_HEAD);
	if (!samples || !buf)
		fail_errno("malloc");

	deadline = now_seconds() + seconds;
	fd = connect_blocking(dst, port, deadline);
	for (i = 0; i < warmup + count; i++) {
		double t0 = now_seconds();

		if (send_all(fd, RTT_REQUEST, sizeof(RTT_REQUEST) - 1, deadline) < 0 ||
		    read_response(fd, buf, MAX_RESPONSE_HEAD, deadline) < 0)
			break;
		if (i >= warmup) {
			samples[done] = (now_seconds() - t0) * 1e6;
			sum += samples[done++];
		}
		if (interval_us > 0)
			sleep_seconds(interval_us / 1e6);
		if (stop_requested || now_seconds() >= deadline)
			break;
	}
	close(fd);
	if (done == 0)
		fail("no timed request completed within %.1f s", seconds);
	if (done < count)
		fprintf(stderr, "nfq_load rtt: stopped after %llu of %llu timed requests (time limit or signal)\n",
			(unsigned long long)done, (unsigned long long)count);
	qsort(samples, done, sizeof(*samples), compare_doubles);
	printf("count=%llu p50_us=%.1f p90_us=%.1f p99_us=%.1f min_us=%.1f max_us=%.1f mean_us=%.1f\n",
	       (unsigned long long)done, percentile(samples, done, 0.50), percentile(samples, done, 0.90),
	       percentile(samples, done, 0.99), samples[0], samples[done - 1], sum / done);
	fflush(stdout);
	return 0;
}

int cmd_get(int argc, char **argv)
{
	uint32_t dst = 0;
	uint16_t port = 0;
	uint64_t bytes = 0;
	double seconds = 120, start, elapsed, deadline;
	char request[128], *buf;
	int opt, have_dst = 0, have_port = 0, have_bytes = 0, fd, len;
	int64_t got;

	while ((opt = getopt(argc, argv, "d:p:b:t:")) != -1) {
		switch (opt) {
		case 'd': dst = parse_ipv4(opt, optarg); have_dst = 1; break;
		case 'p': port = parse_u64(opt, optarg, 1, 65535); have_port = 1; break;
		case 'b': bytes = parse_u64(opt, optarg, 0, 1000000000000000ULL); have_bytes = 1; break;
		case 't': seconds = parse_seconds(opt, optarg); break;
		default: usage_error("unknown option");
		}
	}
	if (optind != argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (!have_dst || !have_port || !have_bytes)
		usage_error("-d DST, -p PORT and -b BYTES are required");
	if (seconds == 0)
		usage_error("-t SECONDS must be above 0");
	install_stop_signals();
	buf = malloc(GET_BUFFER);
	if (!buf)
		fail_errno("malloc");
	len = snprintf(request, sizeof(request), "GET /bytes/%llu HTTP/1.1\r\nHost: bench.test\r\n\r\n",
		       (unsigned long long)bytes);

	start = now_seconds();
	deadline = start + seconds;
	fd = connect_blocking(dst, port, deadline);
	if (send_all(fd, request, len, deadline) < 0 || (got = read_response(fd, buf, GET_BUFFER, deadline)) < 0)
		fail("did not receive %llu bytes within %.1f s", (unsigned long long)bytes, seconds);
	elapsed = now_seconds() - start;
	close(fd);
	if ((uint64_t)got != bytes)
		fail("the server sent Content-Length %lld, asked for %llu", (long long)got, (unsigned long long)bytes);
	printf("bytes=%llu seconds=%.3f mbit_s=%.1f\n", (unsigned long long)bytes, elapsed,
	       elapsed > 0 ? bytes * 8 / elapsed / 1e6 : 0.0);
	fflush(stdout);
	return 0;
}
