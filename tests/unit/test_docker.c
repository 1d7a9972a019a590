/* Docker replies, good and hostile: inspect and event parsing never trust types. */
#include <stdlib.h>

#include "docker.h"
#include "unit.h"

#define ID "685ea877f0131041dab4a13a3cf55944573beb37c2c12b94902c3cc1bd3d88fb"

static int
inspect(const char *json, struct docker_meta *m)
{
	char err[128];

	return docker_parse_inspect(json, strlen(json), m, err, sizeof(err));
}

static void
test_inspect(void)
{
	struct docker_meta m;
	char *big;

	CHECK(inspect("{\"Id\":\"" ID "\",\"Name\":\"/web\",\"Config\":{\"Image\":\"nginx:1.25\","
	    "\"Labels\":{}},\"HostConfig\":{\"PidsLimit\":50,\"Memory\":1048576,"
	    "\"NanoCpus\":1500000000}}", &m) == 0);
	CHECK_STR(m.name, "web");
	CHECK_STR(m.image, "nginx:1.25");
	CHECK(m.pids_limit == 50 && m.memory == 1048576 && m.nano_cpus == 1500000000);
	/* null and absent limits */
	CHECK(inspect("{\"Name\":\"/a\",\"Config\":{\"Image\":\"x\"},\"HostConfig\":{\"PidsLimit\":null}}", &m) == 0);
	CHECK(m.pids_limit == 0 && m.memory == 0);
	/* wrong types are absent, not crashes */
	CHECK(inspect("{\"Name\":5,\"Config\":{\"Image\":\"x\"}}", &m) < 0);
	CHECK(inspect("{\"Name\":\"/a\",\"Config\":[1,2]}", &m) < 0);
	CHECK(inspect("{\"Name\":\"/a\",\"Config\":{\"Image\":{}}}", &m) < 0);
	CHECK(inspect("{\"Name\":\"/a\",\"Config\":{\"Image\":\"x\"},\"HostConfig\":\"no\"}", &m) == 0);
	CHECK(inspect("{\"Name\":\"/a\",\"Config\":{\"Image\":\"x\"},\"HostConfig\":{\"PidsLimit\":\"9\"}}", &m) == 0 && m.pids_limit == 0);
	CHECK(inspect("{\"Name\":\"/a\",\"Config\":{\"Image\":\"\"}}", &m) < 0);
	/* not JSON, truncated, not an object */
	CHECK(inspect("", &m) < 0);
	CHECK(inspect("{\"Name\":\"/a\",\"Config\":{\"Ima", &m) < 0);
	CHECK(inspect("[1,2,3]", &m) < 0);
	CHECK(inspect("null", &m) < 0);
	CHECK(inspect("<html>502 Bad Gateway</html>", &m) < 0);
	/* deep nesting is refused by the tokenizer's depth cap */
	big = malloc(20001);
	memset(big, '[', 20000);
	big[20000] = '\0';
	CHECK(inspect(big, &m) < 0);
	free(big);
	/* over-long strings are cut to fit, never overflow */
	big = malloc(5000);
	strcpy(big, "{\"Name\":\"/");
	memset(big + 10, 'n', 4000);
	strcpy(big + 4010, "\",\"Config\":{\"Image\":\"x\"}}");
	CHECK(inspect(big, &m) == 0 && strlen(m.name) == sizeof(m.name) - 1);
	free(big);
}

static int
event(const char *json, char *action, char *id)
{
	struct docker_meta m;

	return docker_parse_event(json, strlen(json), action, 32, id, &m);
}

static void
test_events(void)
{
	char action[32], id[ID_LEN + 1];

	CHECK(event("{\"status\":\"start\",\"id\":\"" ID "\",\"Type\":\"container\","
	    "\"Action\":\"start\",\"Actor\":{\"ID\":\"" ID "\",\"Attributes\":"
	    "{\"image\":\"nginx\",\"name\":\"web\"}},\"time\":1}", action, id) == 0);
	CHECK_STR(action, "start");
	CHECK_STR(id, ID);
	/* Podman's compatible API says died where Docker says die */
	CHECK(event("{\"Type\":\"container\",\"Action\":\"died\",\"Actor\":{\"ID\":\"" ID
	    "\",\"Attributes\":{\"image\":\"localhost/bb:1\",\"name\":\"p1\"}}}", action, id) == 0);
	CHECK_STR(action, "die");
	CHECK(event("{\"Type\":\"container\",\"Action\":\"die\",\"Actor\":{\"ID\":\"" ID
	    "\"}}", action, id) == 0);
	CHECK_STR(action, "die");
	{
		struct docker_meta m;
		const char *ev = "{\"Type\":\"container\",\"Action\":\"create\",\"Actor\":{\"ID\":\"" ID
		    "\",\"Attributes\":{\"image\":\"nginx:1.25\",\"name\":\"web\"}}}";

		CHECK(docker_parse_event(ev, strlen(ev), action, sizeof(action), id, &m) == 0);
		CHECK_STR(m.image, "nginx:1.25");
		CHECK_STR(m.name, "web");
		ev = "{\"Type\":\"container\",\"Action\":\"create\",\"Actor\":{\"ID\":\"" ID
		    "\",\"Attributes\":{\"image\":7}}}";
		CHECK(docker_parse_event(ev, strlen(ev), action, sizeof(action), id, &m) == 0);
		CHECK(m.image[0] == '\0');
	}
	CHECK(event("{\"Type\":\"container\",\"Action\":\"exec_start: sh -c x\",\"Actor\":{\"ID\":\"" ID "\"}}", action, id) == 0);
	CHECK_STR(action, "exec_start");
	CHECK(event("{\"Type\":\"network\",\"Action\":\"connect\",\"Actor\":{\"ID\":\"" ID "\"}}", action, id) < 0);
	CHECK(event("{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"abc\"}}", action, id) < 0);
	CHECK(event("{\"Type\":\"container\",\"Action\":7,\"Actor\":{\"ID\":\"" ID "\"}}", action, id) < 0);
	CHECK(event("{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":\"x\"}", action, id) < 0);
	CHECK(event("garbage", action, id) < 0);
	CHECK(event("{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"" ID "x\"}}", action, id) < 0);
}

int
main(void)
{
	test_inspect();
	test_events();
	return unit_done("test_docker");
}
