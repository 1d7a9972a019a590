/* URLs: the requests of the HTTP client, and the base URL of alert_webhook. */
#include <stdio.h>

#include "config.h"
#include "url.h"
#include "unit.h"

/* The base's path, as a string. */
static const char *
prefix(const struct url *u, char *buf, size_t len)
{
	snprintf(buf, len, "%.*s", (int)u->pathlen, u->path);
	return buf;
}

static void
test_request(void)
{
	struct url u;

	/* Docker's, over AF_UNIX: the query stays in the path. */
	CHECK(url_parse("http://docker/events?filters=%7B%7D", &u, NULL, 0) == 0);
	CHECK_STR(u.host, "docker");
	CHECK(u.port == 80);
	CHECK_STR(u.path, "/events?filters=%7B%7D");
	CHECK(u.pathlen == strlen("/events?filters=%7B%7D"));
	CHECK(url_parse("http://am:9093/am/api/v2/alerts", &u, NULL, 0) == 0);
	CHECK_STR(u.host, "am");
	CHECK(u.port == 9093);
	CHECK_STR(u.path, "/am/api/v2/alerts");
	CHECK(url_parse("http://docker", &u, NULL, 0) == 0);
	CHECK_STR(u.path, "");
	CHECK(url_parse("docker/_ping", &u, NULL, 0) < 0);
	CHECK(url_parse("http://docker:0/", &u, NULL, 0) < 0);
}

static void
test_base(void)
{
	struct url u;
	char err[256], p[600];

	CHECK(url_parse_base("http://127.0.0.1:9093", CONFIG_ALERT_ENDPOINT, &u, err,
	    sizeof(err)) == 0);
	CHECK_STR(u.host, "127.0.0.1");
	CHECK(u.port == 9093);
	CHECK_STR(prefix(&u, p, sizeof(p)), "");
	CHECK(url_parse_base("http://am.example/", CONFIG_ALERT_ENDPOINT, &u, err,
	    sizeof(err)) == 0);
	CHECK_STR(u.host, "am.example");
	CHECK(u.port == 80);
	CHECK_STR(prefix(&u, p, sizeof(p)), "");
	CHECK(url_parse_base("http://am:9093/alertmanager//", CONFIG_ALERT_ENDPOINT, &u, err,
	    sizeof(err)) == 0);
	CHECK_STR(prefix(&u, p, sizeof(p)), "/alertmanager");
	/* the whole endpoint instead of the base */
	CHECK(url_parse_base("http://am:9093/am/api/v2/alerts", CONFIG_ALERT_ENDPOINT, &u, err,
	    sizeof(err)) == 0);
	CHECK_STR(prefix(&u, p, sizeof(p)), "/am");

	CHECK(url_parse_base("https://am:9093", CONFIG_ALERT_ENDPOINT, &u, err,
	    sizeof(err)) < 0);
	CHECK(strstr(err, "https is not supported") != NULL);
	CHECK(url_parse_base("ftp://am", CONFIG_ALERT_ENDPOINT, &u, err, sizeof(err)) < 0);
	CHECK_STR(err, "'ftp://am' is not an http:// URL");
	CHECK(url_parse_base("http://am:0", CONFIG_ALERT_ENDPOINT, &u, err, sizeof(err)) < 0);
	CHECK(url_parse_base("http://am:65536", CONFIG_ALERT_ENDPOINT, &u, err,
	    sizeof(err)) < 0);
	CHECK(url_parse_base("http://am:", CONFIG_ALERT_ENDPOINT, &u, err, sizeof(err)) < 0);
	CHECK(url_parse_base("http://am:90x/", CONFIG_ALERT_ENDPOINT, &u, err,
	    sizeof(err)) < 0);
	CHECK(url_parse_base("http://:9093", CONFIG_ALERT_ENDPOINT, &u, err, sizeof(err)) < 0);
	CHECK(url_parse_base("http://", CONFIG_ALERT_ENDPOINT, &u, err, sizeof(err)) < 0);
	CHECK(url_parse_base("http://u:p@am:9093", CONFIG_ALERT_ENDPOINT, &u, err,
	    sizeof(err)) < 0);
	CHECK(strstr(err, "user:password") != NULL);
	CHECK(url_parse_base("http://[::1]:9093", CONFIG_ALERT_ENDPOINT, &u, err,
	    sizeof(err)) < 0);
	CHECK(url_parse_base("http://am:9093/x?y=1", CONFIG_ALERT_ENDPOINT, &u, err,
	    sizeof(err)) < 0);
	CHECK(url_parse_base("http://am:9093/a b", CONFIG_ALERT_ENDPOINT, &u, err,
	    sizeof(err)) < 0);
	CHECK(url_parse_base("http://am:9093/a\r\nX: y", CONFIG_ALERT_ENDPOINT, &u, err,
	    sizeof(err)) < 0);
}

/* The limit on the base's path counts what is left once the endpoint is off. */
static void
test_base_long(void)
{
	char url[700], err[800];
	struct url u;
	int n;

	n = snprintf(url, sizeof(url), "http://am/");
	while (n < 7 + 2 + 511)
		url[n++] = 'a';
	snprintf(url + n, sizeof(url) - (size_t)n, "%s", CONFIG_ALERT_ENDPOINT);
	CHECK(url_parse_base(url, CONFIG_ALERT_ENDPOINT, &u, err, sizeof(err)) == 0);
	CHECK(u.pathlen == 511);
	CHECK(url_parse_base(url, NULL, &u, err, sizeof(err)) < 0);
	CHECK(strstr(err, "path too long") != NULL);
}

int
main(void)
{
	test_request();
	test_base();
	test_base_long();
	return unit_done("test_url");
}
