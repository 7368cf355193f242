/* Port names (issue 14 item 22): the built-in table is Debian 12's
 * /etc/services, so a port has the same name on a Debian host and in an
 * empty root. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sonde/services.h"
#include "tap.h"

static const char *const protos[] = { "tcp", "udp", "sctp" };

/* Every port's name under the table in use, one line each, to fp. */
static void dump_names(FILE *fp)
{
	unsigned port;
	size_t p;

	for (p = 0; p < sizeof(protos) / sizeof(protos[0]); p++)
		for (port = 1; port <= 65535; port++) {
			const char *name = services_name((uint16_t)port, protos[p]);

			if (name)
				fprintf(fp, "%u/%s %s\n", port, protos[p], name);
		}
}

/* The names a child process reads from path (services are read once per
 * process), into buf. */
static size_t names_from(const char *path, char *buf, size_t size)
{
	int fds[2];
	size_t used = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(fds) < 0)
		return 0;
	pid = fork();
	if (pid == 0) {
		FILE *fp = fdopen(fds[1], "w");

		close(fds[0]);
		setenv("SONDE_SERVICES", path, 1);
		dump_names(fp);
		fclose(fp);
		_exit(0);
	}
	close(fds[1]);
	while (used + 1 < size && (n = read(fds[0], buf + used, size - used - 1)) > 0)
		used += (size_t)n;
	buf[used] = '\0';
	close(fds[0]);
	waitpid(pid, NULL, 0);
	return used;
}

static bool host_has_netbase_64(void)
{
	FILE *fp = popen("dpkg-query -W -f '${Version}' netbase 2>/dev/null", "r");
	char version[32] = "";

	if (!fp)
		return false;
	if (!fgets(version, sizeof(version), fp))
		version[0] = '\0';
	pclose(fp);
	return strcmp(version, "6.4") == 0 && access("/etc/services", R_OK) == 0;
}

int main(void)
{
	static char builtin[64 * 1024], file[64 * 1024];
	uint16_t port = 0;

	setenv("SONDE_SERVICES", "/nonexistent", 1);
	is_str(services_name(80, "tcp"), "http", "80/tcp is http");
	is_str(services_name(8080, "tcp"), "http-alt", "8080/tcp is http-alt, as Debian names it");
	ok(services_name(8443, "tcp") == NULL, "8443/tcp has no name, as on a Debian host (not IANA's pcsync-https)");
	ok(services_name(6443, "tcp") == NULL, "6443/tcp has no name, as on a Debian host");
	is_str(services_name(5672, "sctp"), "amqp", "sctp names too");
	ok(services_port("www", "tcp", &port) == 0 && port == 80, "an alias is found by name (www is 80)");
	ok(services_port("webcache", "tcp", &port) == 0 && port == 8080, "webcache is 8080");
	ok(services_port("nosuch", "tcp", &port) < 0, "an unknown name");

	names_from("/nonexistent", builtin, sizeof(builtin));
	ok(strlen(builtin) > 4000, "the built-in table names %zu bytes' worth of ports", strlen(builtin));
	if (host_has_netbase_64()) {
		names_from("/etc/services", file, sizeof(file));
		ok(strcmp(builtin, file) == 0, "every port's name is the same from the built-in table and Debian's file");
	} else {
		tap_skip("built-in table matches Debian's file", "the host has no netbase 6.4 /etc/services to compare with");
	}
	return tap_exit();
}
