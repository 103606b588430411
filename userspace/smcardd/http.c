// SPDX-License-Identifier: GPL-2.0
/*
 * The built-in web server ([http]): the page, the JSON API, Prometheus
 * metrics and, when allowed, setting outputs. libmicrohttpd runs without
 * a thread of its own: its epoll descriptor joins the daemon's poll()
 * loop and mhd.run() does what is ready, so a slow or stalled client
 * never blocks the loop and the handlers read the daemon's state without
 * locks. Connections, request memory and upload bodies are bounded.
 */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>
#include <openssl/crypto.h>

#include "daemon.h"
#include "web.h"

/*
 * libmicrohttpd is opened with dlopen() when [http] is configured: it
 * brings GnuTLS, p11-kit, nettle, GMP, libidn2 and libunistring, whose
 * load-time work costs about 2 MiB of resident pages that a daemon
 * without the web page never needs. Its calls, typed by its own header:
 */
#define SD_MHD_SONAME	"libmicrohttpd.so.12"

static struct {
	void *dl;
	__typeof__(&MHD_add_response_header) add_response_header;
	__typeof__(&MHD_basic_auth_get_username_password) basic_auth_get_username_password;
	__typeof__(&MHD_create_response_from_buffer) create_response_from_buffer;
	__typeof__(&MHD_destroy_response) destroy_response;
	__typeof__(&MHD_get_daemon_info) get_daemon_info;
	__typeof__(&MHD_get_timeout) get_timeout;
	__typeof__(&MHD_is_feature_supported) is_feature_supported;
	__typeof__(&MHD_lookup_connection_value) lookup_connection_value;
	__typeof__(&MHD_queue_basic_auth_fail_response) queue_basic_auth_fail_response;
	__typeof__(&MHD_queue_response) queue_response;
	__typeof__(&MHD_run) run;
	__typeof__(&MHD_start_daemon) start_daemon;
	__typeof__(&MHD_stop_daemon) stop_daemon;
} mhd;

#define MHD_SYM(field)	{ "MHD_" #field, offsetof(__typeof__(mhd), field) }

/* 0, or -ELIBACC with the reason logged; kept loaded once it is. */
static int mhd_load(struct daemon *d)
{
	static const struct {
		const char *name;
		size_t off;
	} syms[] = {
		MHD_SYM(add_response_header), MHD_SYM(basic_auth_get_username_password),
		MHD_SYM(create_response_from_buffer), MHD_SYM(destroy_response),
		MHD_SYM(get_daemon_info), MHD_SYM(get_timeout),
		MHD_SYM(is_feature_supported), MHD_SYM(lookup_connection_value),
		MHD_SYM(queue_basic_auth_fail_response), MHD_SYM(queue_response),
		MHD_SYM(run), MHD_SYM(start_daemon), MHD_SYM(stop_daemon),
	};
	void *dl;

	if (mhd.dl)
		return 0;
	dl = dlopen(SD_MHD_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!dl) {
		sd_log(d, SD_LOG_ERR, "[http] needs libmicrohttpd: %s", dlerror());
		return -ELIBACC;
	}
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		void *f = dlsym(dl, syms[i].name);

		if (!f) {
			sd_log(d, SD_LOG_ERR, "[http] %s has no %s", SD_MHD_SONAME, syms[i].name);
			dlclose(dl);
			memset(&mhd, 0, sizeof(mhd));
			return -ELIBACC;
		}
		memcpy((char *)&mhd + syms[i].off, &f, sizeof(f));
	}
	mhd.dl = dl;
	return 0;
}

#define BODY_MAX	64		/* an output's new state */
#define REQ_MEMORY	(32 * 1024)	/* headers and URL of one request */
#define CONN_TIMEOUT_S	15		/* idle or trickling connections */

struct http {
	struct daemon *d;
	struct MHD_Daemon *mhd;
	int epfd;
	char *cert, *key;		/* PEM, kept while the server runs */
	struct web_cache cache;
	unsigned long requests, denied;
};

struct request {
	size_t len;
	bool too_big;
	char body[BODY_MAX + 1];
};

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct daemon *d = cls;
	char msg[256];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = 0;
	/* mostly about clients: not worth more than debug */
	sd_log(d, SD_LOG_DEBUG, "[http] %s", msg);
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned int status,
			     const char *type, char *body, size_t len,
			     bool must_free)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = mhd.create_response_from_buffer(len, body, must_free ?
					    MHD_RESPMEM_MUST_FREE :
					    MHD_RESPMEM_PERSISTENT);
	if (!r) {
		if (must_free)
			free(body);
		return MHD_NO;
	}
	mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	mhd.add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	mhd.add_response_header(r, "X-Content-Type-Options", "nosniff");
	mhd.add_response_header(r, "Content-Security-Policy",
				"default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
	ret = mhd.queue_response(conn, status, r);
	mhd.destroy_response(r);
	return ret;
}

static enum MHD_Result reply_json(struct MHD_Connection *conn,
				  unsigned int status, struct json_object *o)
{
	const char *text;
	char *copy;
	enum MHD_Result ret;

	if (!o)
		return MHD_NO;
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	copy = strdup(text);
	json_object_put(o);
	if (!copy)
		return MHD_NO;
	ret = reply(conn, status, "application/json", copy, strlen(copy), true);
	return ret;
}

static enum MHD_Result reply_error(struct MHD_Connection *conn,
				   unsigned int status, const char *msg)
{
	struct json_object *o = json_object_new_object();

	if (o)
		json_object_object_add(o, "error", json_object_new_string(msg));
	return reply_json(conn, status, o);
}

static bool same_secret(const char *given, const char *want)
{
	size_t n = strlen(want);

	return strlen(given) == n && !CRYPTO_memcmp(given, want, n);
}

/* Credentials of the request against [http]; true when none are configured. */
static bool authorized(struct http *h, struct MHD_Connection *conn)
{
	const struct sd_http *c = &h->d->cfg.http;
	const char *auth;
	char *user, *pass = NULL;
	bool ok = false;

	if (!c->token[0] && !c->username[0])
		return true;
	auth = mhd.lookup_connection_value(conn, MHD_HEADER_KIND,
					   MHD_HTTP_HEADER_AUTHORIZATION);
	if (c->token[0] && auth && !strncasecmp(auth, "Bearer ", 7) &&
	    same_secret(auth + 7, c->token))
		return true;
	if (!c->username[0])
		return false;
	user = mhd.basic_auth_get_username_password(conn, &pass);
	if (user && pass)
		ok = same_secret(user, c->username) & same_secret(pass, c->password);
	free(user);
	free(pass);
	return ok;
}

static enum MHD_Result unauthorized(struct http *h, struct MHD_Connection *conn)
{
	static char body[] = "{\"error\":\"authentication required\"}";
	struct MHD_Response *r;
	enum MHD_Result ret;

	h->denied++;
	r = mhd.create_response_from_buffer(strlen(body), body,
					    MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	if (h->d->cfg.http.username[0]) {
		ret = mhd.queue_basic_auth_fail_response(conn, "smcard", r);
	} else {
		mhd.add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
					"Bearer realm=\"smcard\"");
		ret = mhd.queue_response(conn, MHD_HTTP_UNAUTHORIZED, r);
	}
	mhd.destroy_response(r);
	return ret;
}

static enum MHD_Result set_output(struct http *h, struct MHD_Connection *conn,
				  const char *name, struct request *rq)
{
	struct daemon *d = h->d;
	char *body = rq->body;
	int ret;

	if (d->cfg.http.read_only) {
		h->denied++;
		return reply_error(conn, MHD_HTTP_FORBIDDEN,
				   "read-only: set read_only = no in [http] to allow writes");
	}
	if (rq->too_big)
		return reply_error(conn, MHD_HTTP_CONTENT_TOO_LARGE,
				   "the body is the new state: ON, OFF, 1 or 0");
	body[rq->len] = 0;
	body[strcspn(body, "\r\n")] = 0;
	ret = sd_source_command(d, "output", name, body);
	switch (ret) {
	case 0: {
		struct json_object *o = json_object_new_object();

		sd_log(d, SD_LOG_INFO, "[http] output %s set to %s", name, body);
		sd_json_str(o, "output", name);
		sd_json_str(o, "state", body);
		return reply_json(conn, MHD_HTTP_OK, o);
	}
	case -ENOENT:
		return reply_error(conn, MHD_HTTP_NOT_FOUND, "no such output");
	case -ENODEV:
		return reply_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
				   "the output's device is not available");
	case -EINVAL:
		return reply_error(conn, MHD_HTTP_BAD_REQUEST,
				   "the body is the new state: ON, OFF, 1 or 0");
	default:
		return reply_error(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, strerror(-ret));
	}
}

static enum MHD_Result route(struct http *h, struct MHD_Connection *conn,
			     const char *url, bool post, struct request *rq)
{
	char *text;
	size_t len;

	if (post) {
		if (!strncmp(url, "/api/outputs/", 13) && url[13] && !strchr(url + 13, '/'))
			return set_output(h, conn, url + 13, rq);
		return reply_error(conn, strncmp(url, "/api/", 5) ?
				   MHD_HTTP_METHOD_NOT_ALLOWED : MHD_HTTP_NOT_FOUND,
				   "no such resource for POST");
	}
	if (!strcmp(url, "/api/readings"))
		return reply_json(conn, MHD_HTTP_OK, web_api_readings(h->d, &h->cache));
	if (!strcmp(url, "/api/status"))
		return reply_json(conn, MHD_HTTP_OK, web_api_status(h->d, &h->cache));
	if (!strcmp(url, "/api/history"))
		return reply_json(conn, MHD_HTTP_OK, web_api_history(&h->cache));
	if (!strcmp(url, "/metrics")) {
		text = web_api_metrics(h->d, &h->cache, &len);
		if (!text)
			return MHD_NO;
		return reply(conn, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8",
			     text, len, true);
	}
	return reply_error(conn, MHD_HTTP_NOT_FOUND, "no such resource");
}

const struct web_asset *web_asset_find(const char *path)
{
	for (const struct web_asset *a = web_assets; a->path; a++)
		if (!strcmp(a->path, path))
			return a;
	return NULL;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **req_cls)
{
	struct http *h = cls;
	struct request *rq = *req_cls;
	const struct web_asset *a;
	bool post = !strcmp(method, MHD_HTTP_METHOD_POST);

	if (!rq) {
		rq = calloc(1, sizeof(*rq));
		if (!rq)
			return MHD_NO;
		*req_cls = rq;
		return MHD_YES;
	}
	if (*upload_size) {
		if (rq->len + *upload_size > BODY_MAX)
			rq->too_big = true;
		else
			memcpy(rq->body + rq->len, upload, *upload_size);
		if (!rq->too_big)
			rq->len += *upload_size;
		*upload_size = 0;
		return MHD_YES;
	}
	h->requests++;
	if (!post && strcmp(method, MHD_HTTP_METHOD_GET) &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply_error(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
				   "GET, HEAD or POST");
	/* the page's own files hold no data: no credentials needed */
	a = post ? NULL : web_asset_find(url);
	if (a)
		return reply(conn, MHD_HTTP_OK, a->type, (char *)a->data, a->size, false);
	if (!authorized(h, conn))
		return unauthorized(h, conn);
	return route(h, conn, url, post, rq);
}

static void on_completed(void *cls, struct MHD_Connection *conn,
			 void **req_cls, enum MHD_RequestTerminationCode why)
{
	free(*req_cls);
	*req_cls = NULL;
}

static char *read_pem(struct daemon *d, const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t size = 0;
	long n;

	if (!f) {
		sd_log(d, SD_LOG_ERR, "[http] %s: %s", path, strerror(errno));
		return NULL;
	}
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 && n < 1 << 20 &&
	    !fseek(f, 0, SEEK_SET)) {
		size = (size_t)n;
		buf = malloc(size + 1);
		if (buf && fread(buf, 1, size, f) == size)
			buf[size] = 0;
		else if (buf) {
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	if (!buf)
		sd_log(d, SD_LOG_ERR, "[http] cannot read %s", path);
	return buf;
}

static void http_free(struct http *h)
{
	if (h->mhd)
		mhd.stop_daemon(h->mhd);
	web_cache_free(&h->cache);
	free(h->cert);
	free(h->key);
	free(h);
}

int sd_http_start(struct daemon *d)
{
	const struct sd_http *c = &d->cfg.http;
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in a4 = { .sin_family = AF_INET };
	unsigned int flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	struct sockaddr *sa = (struct sockaddr *)&a4;
	const union MHD_DaemonInfo *info;
	struct http *h;

	if (!c->enabled || d->http)	/* kept over a reload */
		return 0;
	if (mhd_load(d))
		return -ELIBACC;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->d = d;
	web_cache_init(&h->cache);
	if (inet_pton(AF_INET, c->listen, &a4.sin_addr) == 1) {
		a4.sin_port = htons((uint16_t)c->port);
	} else {
		inet_pton(AF_INET6, c->listen, &a6.sin6_addr);
		a6.sin6_port = htons((uint16_t)c->port);
		sa = (struct sockaddr *)&a6;
		flags |= MHD_USE_IPv6;
	}
	if (c->certfile[0]) {
		if (mhd.is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			sd_log(d, SD_LOG_ERR, "[http] this libmicrohttpd has no TLS; remove certfile/keyfile");
			http_free(h);
			return -ENOTSUP;
		}
		h->cert = read_pem(d, c->certfile);
		h->key = read_pem(d, c->keyfile);
		if (!h->cert || !h->key) {
			http_free(h);
			return -EINVAL;
		}
		flags |= MHD_USE_TLS;
	}
	h->mhd = mhd.start_daemon(flags, 0, NULL, NULL, on_request, h,
				  MHD_OPTION_EXTERNAL_LOGGER, mhd_log, d,
				  MHD_OPTION_SOCK_ADDR, sa,
				  MHD_OPTION_CONNECTION_LIMIT, (unsigned int)c->max_connections,
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)CONN_TIMEOUT_S,
				  MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)REQ_MEMORY,
				  MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
				  /* without TLS the list ends here */
				  h->cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, h->cert,
				  MHD_OPTION_HTTPS_MEM_KEY, h->key,
				  MHD_OPTION_END);
	if (!h->mhd) {
		sd_log(d, SD_LOG_ERR, "[http] cannot listen on %s port %d", c->listen, c->port);
		http_free(h);
		return -EADDRNOTAVAIL;
	}
	info = mhd.get_daemon_info(h->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	h->epfd = info ? info->epoll_fd : -1;
	if (h->epfd < 0) {
		sd_log(d, SD_LOG_ERR, "[http] libmicrohttpd gave no epoll descriptor");
		http_free(h);
		return -EIO;
	}
	d->http = h;
	sd_log(d, SD_LOG_INFO, "[http] serving %s://%s%s%s:%d/%s", h->cert ? "https" : "http",
	       sa == (struct sockaddr *)&a6 ? "[" : "", c->listen,
	       sa == (struct sockaddr *)&a6 ? "]" : "", c->port,
	       c->read_only ? " (read-only)" : "");
	return 0;
}

void sd_http_stop(struct daemon *d)
{
	if (!d->http)
		return;
	http_free(d->http);
	d->http = NULL;
}

int sd_http_fd(struct daemon *d)
{
	return d->http ? d->http->epfd : -1;
}

int64_t sd_http_due(struct daemon *d)
{
	MHD_UNSIGNED_LONG_LONG ms;

	if (!d->http || mhd.get_timeout(d->http->mhd, &ms) != MHD_YES)
		return SD_NEVER;
	return sd_now_ms() + (int64_t)(ms > 60000 ? 60000 : ms);
}

void sd_http_run(struct daemon *d)
{
	if (d->http)
		mhd.run(d->http->mhd);
}

void sd_http_observe(struct daemon *d, const char *sub, const char *text)
{
	struct http *h = d->http;
	struct json_object *payload;
	struct timespec ts;

	if (!h)
		return;
	payload = json_tokener_parse(text);
	if (!payload) {
		sd_log(d, SD_LOG_ERR, "http: %s: out of memory keeping a reading", sub);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	web_cache_put(&h->cache, sub, payload, sd_now_ms(),
		      (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
	json_object_put(payload);
}

void sd_http_counts(struct daemon *d, unsigned long *requests,
		    unsigned long *denied)
{
	*requests = d->http ? d->http->requests : 0;
	*denied = d->http ? d->http->denied : 0;
}
